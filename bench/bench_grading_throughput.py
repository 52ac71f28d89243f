"""Grading throughput: 20 submissions queued at once, graded by two Celery worker processes.

    DEBUG=true .venv/bin/python bench/bench_grading_throughput.py [--submissions 20] [--workers 2]

Real everything: PostgreSQL (the database `quayside_bench_grading` is dropped and recreated, or
BENCH_DATABASE_URL), the Redis broker (BENCH_REDIS_URL, default db 13, flushed), the Docker
engine and the real pipeline. The demo course package is synced; the submissions are a
mix of every task's reference and wrong solutions, one per learner, made through the same
service the portal uses (so each is enqueued on commit). Two workers (`--pool solo`, one job at a
time each) then grade them.

Checks that every submission was graded exactly once (one run, one claim) and none was lost,
and reports the total time, the throughput and per-submission latencies (queued -> done). Writes
bench/results/grading-throughput-<time>.json.
"""

import argparse
import io
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from isolation import bench_environment, new_private_var_dir

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# Its own var folder, and its own Redis database as the broker (flushed before and after).
SCRATCH = new_private_var_dir("grading")
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quayside_bench_grading"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "quayside.settings",
        "DEBUG": "true",
        "DATABASE_URL": DATABASE_URL,
        **bench_environment(SCRATCH, broker_url=REDIS_URL),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
)

import psycopg  # noqa: E402
import redis  # noqa: E402


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


recreate_database(DATABASE_URL)
redis.Redis.from_url(REDIS_URL).flushdb()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from coursepackages.api import course_package_sync_folder  # noqa: E402
from coursepackages.layout import DEMO_TASKS_DIR  # noqa: E402
from graders.tasks import COMMANDS_FILE, load_task, task_slugs  # noqa: E402
from practicals.models import GradingRun, Submission  # noqa: E402
from practicals.services.submissions import SubmittedFiles, submission_create  # noqa: E402

POLL_SECONDS = 0.5
TIMEOUT_SECONDS = 1800


def solutions() -> list[tuple[str, str, Mapping[str, bytes]]]:
    """(task, label, files): every task's reference, then its wrong solutions, interleaved."""
    found = []
    for slug in task_slugs(DEMO_TASKS_DIR):
        task = load_task(slug, directory=DEMO_TASKS_DIR)
        found.append((slug, "reference", task.reference_files))
        found += [(slug, flaw, files) for flaw, files in task.wrong_solutions.items()]
    return sorted(found, key=lambda item: (item[1] != "reference", item[0], item[1]))


def submitted_files(slug: str, files: Mapping[str, bytes]) -> SubmittedFiles:
    kind = load_task(slug, directory=DEMO_TASKS_DIR).spec.submission_kind
    if kind == "dockerfile":
        return SubmittedFiles("Dockerfile", files["Dockerfile"])
    if kind == "commands":
        return SubmittedFiles(COMMANDS_FILE, files[COMMANDS_FILE])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return SubmittedFiles("solution.zip", buffer.getvalue())


def start_worker(index: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = SCRATCH / f"worker-{index}.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "quayside",
            "worker",
            "--pool",
            "solo",
            "--queues",
            "grading",
            "--hostname",
            f"bench{index}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=REPO,
        env=os.environ | {"LOG_LEVEL": "INFO"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def wait_until_ready(logs: list[Path]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if all(log.exists() and b" ready." in log.read_bytes() for log in logs):
            return
        time.sleep(0.2)
    raise SystemExit(f"workers did not start; see {SCRATCH}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()

    call_command("migrate", verbosity=0)
    course_package_sync_folder()
    pool = solutions()
    plan = [pool[index % len(pool)] for index in range(arguments.submissions)]
    learners = [
        User.objects.create_user(
            email=f"bench{index}@example.org", password=None, role=Role.LEARNER
        )
        for index in range(arguments.submissions)
    ]

    workers = [start_worker(index) for index in range(arguments.workers)]
    try:
        wait_until_ready([log for _, log in workers])
        started = time.monotonic()
        ids = [
            submission_create(
                learner=learner, task_slug=slug, files=submitted_files(slug, files)
            ).pk
            for learner, (slug, _, files) in zip(learners, plan, strict=True)
        ]
        queued_in = time.monotonic() - started
        deadline = started + TIMEOUT_SECONDS
        while Submission.objects.filter(pk__in=ids).exclude(status="done").exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"not all graded within {TIMEOUT_SECONDS} s; see {SCRATCH}")
            time.sleep(POLL_SECONDS)
        total = time.monotonic() - started
    finally:
        for process, _ in workers:
            process.send_signal(signal.SIGTERM)
        for process, _ in workers:
            process.wait(timeout=60)

    rows = list(
        Submission.objects.filter(pk__in=ids)
        .annotate(run_count=Count("runs"))
        .select_related("task_version__task")
        .order_by("pk")
    )
    runs = {run.submission_id: run for run in GradingRun.objects.filter(submission_id__in=ids)}
    latencies = [(row.finished_at - row.queued_at).total_seconds() for row in rows]
    # What each worker did, from its log: jobs that stored a run.
    stored_by_worker = {
        log.stem: log.read_text(errors="replace").count("succeeded in") for _, log in workers
    }
    exactly_once = all(row.run_count == 1 and runs[row.pk].claims == 1 for row in rows)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "submissions": len(ids),
        "workers": arguments.workers,
        "graded": sum(1 for row in rows if row.status == "done"),
        "lost": len(ids) - len(rows) + sum(1 for row in rows if row.run_count == 0),
        "graded_exactly_once": exactly_once,
        "runs_total": GradingRun.objects.filter(submission_id__in=ids).count(),
        "jobs_by_worker": stored_by_worker,
        "queueing_seconds": round(queued_in, 2),
        "total_seconds": round(total, 1),
        "throughput_per_minute": round(len(ids) / total * 60, 1),
        "latency_seconds": {
            "median": round(statistics.median(latencies), 1),
            "max": round(max(latencies), 1),
            "min": round(min(latencies), 1),
        },
        "grading_seconds_median": round(
            statistics.median(runs[row.pk].timings.get("total", 0.0) for row in rows), 1
        ),
        "verdicts": {
            verdict: sum(1 for row in rows if row.verdict == verdict)
            for verdict in sorted({row.verdict for row in rows})
        },
        "by_task": {
            slug: sum(1 for row in rows if row.task_version.task.slug == slug)
            for slug in sorted({row.task_version.task.slug for row in rows})
        },
    }
    for row, latency in zip(rows, latencies, strict=True):
        print(
            f"  #{row.pk:<4} {row.task_version.task.slug:<24} {row.verdict:<8} "
            f"runs={row.run_count} claims={runs[row.pk].claims}  {latency:6.1f} s"
        )
    print(json.dumps(report, indent=2))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"grading-throughput-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    ok = exactly_once and report["lost"] == 0 and report["graded"] == len(ids)
    # Nothing of this run stays behind: no job in the broker, no scratch folder (kept, with the
    # workers' logs, only when the run failed).
    redis.Redis.from_url(REDIS_URL).flushdb()
    if ok:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
