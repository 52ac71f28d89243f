"""Item statistics: how long Moodle's statistics take, and how fast the cached report page is.

Run: .venv/bin/python bench/bench_statistics.py [--skip-page] [--attempts 10000]

1. The library (assessments/statistics, no database): simulated response matrices of 21 items
   (two-parameter logistic model, choice responses on a third of the items) for 1,000 to
   100,000 attempts; building the matrix and computing every statistic, timed separately.
   Target: 10,000 attempts x 21 items in under 1 s.
2. The report page (PostgreSQL + Redis cache, in-process through Django's test client, DEBUG
   off): (re)creates the database `quayside_bench_stats` (BENCH_DATABASE_URL overrides), loads
   the demo course, and writes an assessment of 21 fixed questions with --attempts submitted
   attempts in bulk. Then: the first request (computed from the database), 200 requests served
   from the cache (p50/p95/p99; target p95 < 300 ms), and the request after the graded event
   fires for a new attempt (the cache is invalidated by the event, not by a timer).

Prints a table and writes JSON to bench/results/statistics-<time>.json.
"""

import argparse
import io
import json
import math
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from isolation import bench_environment, new_private_var_dir

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS_DIR = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quayside_bench_stats"
)
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12")
ITEMS = 21
SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)
TARGET_SECONDS_10K = 1.0
TARGET_PAGE_P95_MS = 300
PAGE_REQUESTS = 200
SEED = 14
# The page phase submits attempts, whose graded hook enqueues jobs: they go to a broker of its own.
VAR_DIR = new_private_var_dir("statistics")
BULK_BATCH = 5_000


def simulated_rows(attempts: int, seed: int = SEED) -> list[tuple[str, str, float, str | None]]:
    rng = random.Random(seed)
    difficulty = [rng.uniform(-2, 2) for _ in range(ITEMS)]
    discrimination = [rng.uniform(0.2, 2.0) for _ in range(ITEMS)]
    rows = []
    for attempt in range(attempts):
        ability = rng.gauss(0, 1)
        for item in range(ITEMS):
            p = 1 / (1 + math.exp(-1.7 * discrimination[item] * (ability - difficulty[item])))
            right = rng.random() < p
            response = None
            if item % 3 == 0:
                response = "A" if right else rng.choice("BCD")
            rows.append((f"a{attempt}", f"q{item:02d}", 1.0 if right else 0.0, response))
    return rows


def bench_library() -> list[dict[str, Any]]:
    from assessments.statistics import ResponseMatrix, statistics_compute

    results = []
    for size in SIZES:
        rows = simulated_rows(size)
        runs = 3 if size <= 30_000 else 1
        build_times, compute_times = [], []
        for _ in range(runs):
            started = time.perf_counter()
            matrix = ResponseMatrix()
            matrix.add_rows(
                (a, item, mark, 1.0, response, None) for a, item, mark, response in rows
            )
            built = time.perf_counter()
            report = statistics_compute(matrix=matrix)
            finished = time.perf_counter()
            build_times.append(built - started)
            compute_times.append(finished - built)
        assert report.test.attempts == size
        results.append(
            {
                "attempts": size,
                "items": ITEMS,
                "build_seconds": min(build_times),
                "compute_seconds": min(compute_times),
                "total_seconds": min(map(sum, zip(build_times, compute_times, strict=True))),
            }
        )
        print(
            f"  {size:>7} attempts: build {results[-1]['build_seconds']:.3f} s, "
            f"compute {results[-1]['compute_seconds']:.3f} s, "
            f"total {results[-1]['total_seconds']:.3f} s",
            flush=True,
        )
    return results


# The report page ---------------------------------------------------------------------------------


def _environment() -> None:
    os.environ.update(
        {
            **bench_environment(VAR_DIR),
            "DATABASE_URL": DATABASE_URL,
            "CACHE_URL": CACHE_URL,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "quayside.settings",
            # DEBUG off serves hashed static names: collected into a folder of the benchmark.
            "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        }
    )


def _recreate_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _setup(attempts: int) -> tuple[Any, Any]:
    """Migrate, load the demo course, and write `attempts` submitted attempts in bulk."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.core.cache import cache
    from django.utils import timezone

    from accounts.models import Role, User
    from assessments.models import (
        Assessment,
        AssessmentKind,
        AssessmentSlot,
        Attempt,
        AttemptQuestion,
        AttemptStatus,
        Question,
        QuestionStatus,
    )

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("sync_course", "--demo", verbosity=0, stdout=io.StringIO())
    cache.clear()
    questions = list(
        Question.objects.filter(
            status=QuestionStatus.READY, current_version__type__in=["single_choice", "true_false"]
        )
        .select_related("current_version", "section__module")
        .order_by("pk")[:ITEMS]
    )
    module = questions[0].section.module
    assessment = Assessment.objects.create(
        slug="bench-statistics",
        title="Benchmark: 21 fixed questions",
        kind=AssessmentKind.PRACTICE,
        module=module,
    )
    AssessmentSlot.objects.bulk_create(
        AssessmentSlot(assessment=assessment, position=position, question=question)
        for position, question in enumerate(questions, start=1)
    )
    learners = User.objects.bulk_create(
        User(email=f"bench-{n}@bench.invalid", display_name=f"Bench {n}", role=Role.LEARNER)
        for n in range(attempts)
    )
    rows = simulated_rows(attempts)
    now = timezone.now()
    created = Attempt.objects.bulk_create(
        (
            Attempt(
                assessment=assessment,
                learner=learner,
                number=1,
                status=AttemptStatus.SUBMITTED,
                started_at=now,
                submitted_at=now,
                max_score=Decimal(ITEMS),
                score=Decimal(0),
            )
            for learner in learners
        ),
        batch_size=BULK_BATCH,
    )
    batch: list[AttemptQuestion] = []
    for index, (_, item, mark, _) in enumerate(rows):
        attempt = created[index // ITEMS]
        position = index % ITEMS + 1
        version = questions[int(item[1:])].current_version
        batch.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question_version=version,
                slot_position=position,
                seed=0,
                max_points=Decimal(1),
                fraction=mark,
                points=Decimal(int(mark)),
            )
        )
        if len(batch) == BULK_BATCH:
            AttemptQuestion.objects.bulk_create(batch)
            batch = []
    AttemptQuestion.objects.bulk_create(batch)
    instructor = User.objects.create_user(
        email="bench-instructor@bench.invalid", password=None, role=Role.INSTRUCTOR
    )
    return assessment, instructor


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def bench_page(attempts: int) -> dict[str, Any]:
    _environment()
    _recreate_database()
    started = time.perf_counter()
    assessment, instructor = _setup(attempts)
    print(f"  wrote {attempts} attempts in {time.perf_counter() - started:.1f} s", flush=True)
    from django.test import Client

    from assessments.models import Attempt
    from quayside import announcements
    from quayside.announcements import Topic

    client = Client()
    client.force_login(instructor)
    url = f"/analytics/assessments/{assessment.slug}/"

    def timed() -> float:
        begun = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - begun) * 1000

    first_ms = timed()
    cached = [timed() for _ in range(PAGE_REQUESTS)]
    # The production hook: attempt_submit fires this after its transaction commits.
    announcements.publish(
        Topic.ATTEMPT_GRADED, Attempt.objects.filter(assessment=assessment).first().pk
    )
    after_event_ms = timed()
    cached_again = [timed() for _ in range(20)]
    return {
        "attempts": attempts,
        "first_request_ms": first_ms,
        "cached_p50_ms": statistics.median(cached),
        "cached_p95_ms": _percentile(cached, 0.95),
        "cached_p99_ms": _percentile(cached, 0.99),
        "after_graded_event_ms": after_event_ms,
        "cached_after_event_p50_ms": statistics.median(cached_again),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-page", action="store_true")
    parser.add_argument("--attempts", type=int, default=10_000)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quayside.settings")
    try:
        _run(options)
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)


def _run(options: argparse.Namespace) -> None:
    print(f"Library: {ITEMS} items", flush=True)
    library = bench_library()
    ten_thousand = next(row for row in library if row["attempts"] == 10_000)
    verdict = "ok" if ten_thousand["total_seconds"] < TARGET_SECONDS_10K else "MISSED"
    print(f"  10,000 x 21 in {ten_thousand['total_seconds']:.3f} s (target < 1 s): {verdict}")
    page = None
    if not options.skip_page:
        print(f"Report page: {options.attempts} attempts x {ITEMS} items", flush=True)
        page = bench_page(options.attempts)
        page_verdict = "ok" if page["cached_p95_ms"] < TARGET_PAGE_P95_MS else "MISSED"
        print(
            f"  first request {page['first_request_ms']:.0f} ms (computed from the database)\n"
            f"  cached: p50 {page['cached_p50_ms']:.1f} ms, p95 {page['cached_p95_ms']:.1f} ms, "
            f"p99 {page['cached_p99_ms']:.1f} ms (target p95 < 300 ms): {page_verdict}\n"
            f"  after the graded event: {page['after_graded_event_ms']:.0f} ms (recomputed), "
            f"then cached p50 {page['cached_after_event_p50_ms']:.1f} ms"
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"statistics-{stamp}.json"
    out.write_text(json.dumps({"library": library, "page": page}, indent=2))
    print(f"Wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
