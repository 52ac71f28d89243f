"""Benchmark certification: issuing certificates and the public verification endpoint.

1. Issue N certificates (evaluate the learner's standing, sign the credential, render and store
   the PDF) and report the time per certificate.
2. Serve the app with gunicorn on loopback and measure requests per second of the verification
   endpoint, for code look-ups (GET /api/v1/verify/<code>/) and for full signature checks
   (POST /api/v1/verify/ with the credential JSON). `--test-client` uses Django's test client.

Runs against a scratch database created next to DATABASE_URL's (test_<name>) and dropped after.
Run: DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/quayside_bench \
     .venv/bin/python bench/bench_certificates.py [--certificates 100] [--seconds 10]
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from isolation import bench_environment, new_private_var_dir

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SCRATCH = new_private_var_dir("certificates")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quayside.settings")
os.environ.update(bench_environment(SCRATCH))
os.environ.setdefault("SITE_URL", "https://quayside.bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus  # noqa: E402
from certificates.models import (  # noqa: E402
    Certificate,
    CertificationProgram,
    RequiredPracticalTask,
)
from certificates.services.issuance import certification_evaluate  # noqa: E402
from courses.models import Course, Module  # noqa: E402
from practicals.models import (  # noqa: E402
    GradingRun,
    PracticalTask,
    PracticalTaskVersion,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Verdict,
)
from quayside.celery import app as celery_app  # noqa: E402

TASK_SLUGS = ("bench-dockerfile", "bench-compose")
PORT_SEARCH_START = 18_400


def _report(label: str, samples: list[float]) -> None:
    milliseconds = sorted(sample * 1000 for sample in samples)
    p95 = milliseconds[max(0, int(len(milliseconds) * 0.95) - 1)]
    print(
        f"{label:<40} median {statistics.median(milliseconds):7.2f} ms  "
        f"mean {statistics.fmean(milliseconds):7.2f} ms  p95 {p95:7.2f} ms  (n={len(samples)})"
    )


def _program() -> CertificationProgram:
    course = Course.objects.create(slug="bench-course", title="Bench course")
    module = Module.objects.create(course=course, slug="bench-module", number="1", title="Bench")
    exam = Assessment.objects.create(
        slug="bench-final", title="Bench final", kind=AssessmentKind.FINAL_EXAM, module=module
    )
    program = CertificationProgram.objects.create(
        slug="bench-program",
        title="Docker Associate",
        module=module,
        description="Builds small images and runs multi-container applications.",
        final_exam_slug=exam.slug,
        validity_days=730,
    )
    for position, slug in enumerate(TASK_SLUGS):
        task = PracticalTask.objects.create(slug=slug, title=slug, module=module)
        version = PracticalTaskVersion.objects.create(
            task=task,
            number=1,
            instructions_markdown="-",
            submission_kind=SubmissionKind.DOCKERFILE,
            allowed_base_images=[],
            rubric=[],
            spec_sha256="0" * 64,
        )
        task.current_version = version
        task.save()
        RequiredPracticalTask.objects.create(program=program, task_slug=slug, position=position)
    return program


def _qualified_learner(number: int, program: CertificationProgram) -> User:
    learner = User.objects.create_user(
        email=f"bench{number}@example.org",
        password=None,
        display_name=f"Learner Number {number}",
        role=Role.LEARNER,
    )
    now = timezone.now() - timedelta(minutes=1)
    exam = Assessment.objects.get(slug=program.final_exam_slug)
    Attempt.objects.create(
        assessment=exam,
        learner=learner,
        number=1,
        status=AttemptStatus.SUBMITTED,
        submitted_at=now,
        score=Decimal(90),
        max_score=Decimal(100),
        percent=Decimal(90),
        passed=True,
    )
    for slug in TASK_SLUGS:
        version = PracticalTaskVersion.objects.get(task__slug=slug)
        submission = Submission.objects.create(
            task_version=version,
            learner=learner,
            attempt_number=1,
            kind=SubmissionKind.DOCKERFILE,
            file_name="Dockerfile",
            content=b"FROM alpine\n",
            sha256="1" * 64,
            size_bytes=12,
            status=SubmissionStatus.DONE,
            verdict=Verdict.PASSED,
        )
        GradingRun.objects.create(
            submission=submission,
            number=1,
            task_version=version,
            verdict=Verdict.PASSED,
            score=Decimal(10),
            max_score=Decimal(10),
            image_digest="sha256:" + "ab" * 32,
            started_at=now,
            finished_at=now,
        )
    return learner


def bench_issuance(count: int) -> list[Certificate]:
    program = _program()
    learners = [_qualified_learner(number, program) for number in range(count)]
    # The PDF task runs in process right after each issuance commits, so it is timed too.
    celery_app.conf.task_always_eager = True
    certification_evaluate(learner_id=learners[0].pk, program_id=program.pk)  # warm caches
    samples = []
    certificates = []
    for learner in learners[1:]:
        started = time.perf_counter()
        certificate = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
        samples.append(time.perf_counter() - started)
        assert certificate is not None
        certificates.append(certificate)
    _report("issue (evaluate + sign + PDF)", samples)
    rendered = Certificate.objects.exclude(pdf_file="").count()
    print(f"{'certificates with a stored PDF':<40} {rendered}/{Certificate.objects.count()}")
    return certificates


def _free_port() -> int:
    for port in range(PORT_SEARCH_START, PORT_SEARCH_START + 100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port")


def _throughput(
    label: str, request: Callable[[], int], *, seconds: float, concurrency: int
) -> None:
    deadline = time.perf_counter() + seconds
    counts = [0] * concurrency
    failures = [0] * concurrency

    def worker(slot: int) -> None:
        while time.perf_counter() < deadline:
            if request() == 200:
                counts[slot] += 1
            else:
                failures[slot] += 1

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        f"{label:<40} {sum(counts) / elapsed:8.1f} req/s  "
        f"({sum(counts)} ok, {sum(failures)} failed, {concurrency} clients, {elapsed:.1f} s)"
    )


def bench_verification_gunicorn(
    certificates: list[Certificate], *, seconds: float, workers: int
) -> None:
    port = _free_port()
    database = settings.DATABASES["default"]
    environment = os.environ | {
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        )
        if connection.vendor == "postgresql"
        else f"sqlite:///{database['NAME']}",
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        # Rate limits stay on (their cost is measured) but never refuse the benchmark's traffic;
        # their counters are shared by the workers, so one client address would be refused.
        "API_THROTTLE_ANON": "1000000/min",
        "API_THROTTLE_USER": "1000000/min",
    }
    server = subprocess.Popen(
        [
            str(REPO / ".venv/bin/gunicorn"),
            "quayside.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ],
        cwd=REPO,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/healthz")
        codes = [certificate.verification_code for certificate in certificates]
        bodies = [
            json.dumps({"credential": json.loads(certificate.credential_json)}).encode()
            for certificate in certificates
        ]
        picks = iter(range(10**9))

        def by_code() -> int:
            code = codes[next(picks) % len(codes)]
            with urllib.request.urlopen(f"{base}/api/v1/verify/{code}/") as response:  # noqa: S310
                return int(response.status)

        def by_signature() -> int:
            body = bodies[next(picks) % len(bodies)]
            request = urllib.request.Request(  # noqa: S310
                f"{base}/api/v1/verify/",
                data=body,
                headers={"Content-Type": "application/json", "Host": "localhost"},
            )
            with urllib.request.urlopen(request) as response:  # noqa: S310
                verdict = json.loads(response.read())["verdict"]
                return int(response.status) if verdict == "valid" else 500

        print(f"gunicorn: {workers} sync workers on 127.0.0.1:{port}, {os.cpu_count()} CPUs")
        _throughput("verify by code (GET)", by_code, seconds=seconds, concurrency=workers * 2)
        _throughput(
            "verify credential signature (POST)",
            by_signature,
            seconds=seconds,
            concurrency=workers * 2,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def bench_verification_test_client(certificates: list[Certificate], *, seconds: float) -> None:
    from django.test import Client

    client = Client()
    codes = [certificate.verification_code for certificate in certificates]
    bodies = [certificate.credential_json for certificate in certificates]
    picks = iter(range(10**9))

    def by_code() -> int:
        return int(client.get(f"/api/v1/verify/{codes[next(picks) % len(codes)]}/").status_code)

    def by_signature() -> int:
        body = json.dumps({"credential": json.loads(bodies[next(picks) % len(bodies)])})
        response = client.post("/api/v1/verify/", body, content_type="application/json")
        return int(response.status_code) if response.json()["verdict"] == "valid" else 500

    print("Django test client, one thread")
    _throughput("verify by code (GET)", by_code, seconds=seconds, concurrency=1)
    _throughput("verify credential signature (POST)", by_signature, seconds=seconds, concurrency=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--test-client", action="store_true")
    options = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        certificates = bench_issuance(options.certificates + 1)
        if options.test_client:
            bench_verification_test_client(certificates, seconds=options.seconds)
        else:
            bench_verification_gunicorn(
                certificates, seconds=options.seconds, workers=options.workers
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
