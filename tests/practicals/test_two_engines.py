"""Grading over two Docker engines, each with its own worker, on one broker and database: an
engine stopped in the middle of a batch loses nothing. Its job goes to the other engine, no
learner is charged an attempt, and readiness shows the engine that went down.

Real processes: two `dockerd` of the test's own (separate sockets and data roots), two Celery
workers on the Redis broker, PostgreSQL. Needs root; skips on a laptop without it but FAILS in
CI (`CI=true`). Bounded: a few minutes.
"""

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role, User
from coursepackages.api import course_package_sync_folder
from coursepackages.layout import DEMO_TASKS_DIR
from practicals.models import EngineHeartbeat, GradingRun, Submission, Verdict
from practicals.selectors import attempts_used
from practicals.services.submissions import SubmittedFiles, submission_create
from tests.practicals.worker_processes import (
    flush_broker,
    send_grading,
    start_worker,
    stop_worker,
    wait_for,
)
from tests.private_services import PrivateEngine, ServiceStartError

pytestmark = [
    pytest.mark.docker,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.engines,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(480),
]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (DEMO_TASKS_DIR / "hardened-container/reference/Dockerfile").read_text()
# A slow first step keeps each job in its build long enough to stop an engine under it; the
# learners' builds differ (their ids), so no engine reuses another job's layers.
SLOW_STEP = "RUN sleep 6 && echo {learner} > /tmp/learner\n"
SUBMISSIONS = 6
FAST_RECOVERY = {
    "GRADING_LEASE_SECONDS": "6",
    "GRADING_STUCK_AFTER_SECONDS": "10",
    "GRADING_SWEEP_INTERVAL_SECONDS": "5",
    "GRADING_ENGINE_HEARTBEAT_SECONDS": "1",
    # The shortest allowed: each worker's janitor runs on its own engine within the test.
    "GRADING_JANITOR_INTERVAL_SECONDS": "60",
}


@pytest.fixture
def services() -> None:
    """The grading broker, emptied (the markers above make root, PostgreSQL and Redis required)."""
    flush_broker()


@pytest.fixture
def engines(services: None) -> Iterator[list[PrivateEngine]]:
    # Short paths: the engines' sockets live below this folder (a socket path has 108 bytes).
    root = Path(tempfile.mkdtemp(prefix="qs-2eng-", dir="/tmp"))
    started = [PrivateEngine(root=root / name, name=f"t2-{name}") for name in ("a", "b")]
    try:
        for engine in started:
            try:
                engine.start()
                engine.ensure_base_images()
            except ServiceStartError as error:
                pytest.fail(f"a private Docker engine did not start: {error}", pytrace=False)
        yield started
    finally:
        for engine in started:
            engine.remove()
        shutil.rmtree(root, ignore_errors=True)


def slow_reference(learner: User) -> bytes:
    return REFERENCE.replace(
        "WORKDIR /app\n", "WORKDIR /app\n" + SLOW_STEP.format(learner=learner.pk), 1
    ).encode()


def slow_batch() -> tuple[list[User], list[int]]:
    """SUBMISSIONS learners, each with one slow-building submission of the reference solution."""
    learners = [
        User.objects.create_user(
            email=f"two-engines-{n}@example.org", password=None, role=Role.LEARNER
        )
        for n in range(SUBMISSIONS)
    ]
    ids = [
        submission_create(
            learner=learner,
            task_slug="hardened-container",
            files=SubmittedFiles("Dockerfile", slow_reference(learner)),
        ).pk
        for learner in learners
    ]
    return learners, ids


def start_engine_workers(
    engine_a: PrivateEngine, engine_b: PrivateEngine, tmp_path: Path
) -> list[subprocess.Popen[bytes]]:
    """A worker on each engine; engine a's also runs the beat."""
    return [
        start_worker(
            "engine-a",
            tmp_path / "a",
            beat=True,
            extra_env=FAST_RECOVERY | {"DOCKER_HOST": engine_a.url},
        ),
        start_worker(
            "engine-b", tmp_path / "b", extra_env=FAST_RECOVERY | {"DOCKER_HOST": engine_b.url}
        ),
    ]


def wait_for_batch_graded_and_engine_a_down(ids: list[int]) -> None:
    """Every submission done, engine a reported down, engine b's janitor run."""
    wait_for(
        lambda: not Submission.objects.filter(pk__in=ids).exclude(status="done").exists(),
        timeout=300,
        what="every submission to be graded",
    )
    wait_for(
        lambda: EngineHeartbeat.objects.filter(
            worker__startswith="engine-a@", healthy=False
        ).exists(),
        timeout=30,
        what="engine a's worker to report its engine down",
    )
    wait_for(
        lambda: EngineHeartbeat.objects.filter(
            worker__startswith="engine-b@", janitor_ran_at__isnull=False
        ).exists(),
        timeout=90,
        what="engine b's worker to run the janitor on its engine",
    )


def test_an_engine_stopped_mid_batch_loses_nothing_and_charges_no_attempt(
    engines: list[PrivateEngine], tmp_path: Path, sent: list[int]
) -> None:
    # given: the course and its tasks, a batch of submissions, a worker on each engine
    course_package_sync_folder()
    learners, ids = slow_batch()
    engine_a, engine_b = engines
    workers = start_engine_workers(engine_a, engine_b, tmp_path)
    try:
        send_grading(sent)
        building_on_a = Submission.objects.filter(
            pk__in=ids, lease_owner__startswith="engine-a@", phase="build"
        )
        wait_for(building_on_a.exists, timeout=120, what="engine a's worker to start a build")

        # when: engine a stops in the middle of that build
        interrupted = building_on_a.values_list("pk", flat=True).first()
        engine_a.stop()
        wait_for_batch_graded_and_engine_a_down(ids)
        readiness = Client().get("/readyz")
    finally:
        for worker in workers:
            stop_worker(worker)
        flush_broker()

    # then: one passing run per submission, the interrupted one finished on engine b
    runs = GradingRun.objects.filter(submission_id__in=ids)
    assert sorted(runs.values_list("submission_id", flat=True)) == sorted(ids)
    assert set(runs.values_list("verdict", flat=True)) == {Verdict.PASSED}
    rescued = Submission.objects.get(pk=interrupted)
    assert rescued.runs.get().claims >= 2
    assert rescued.infrastructure_failures >= 1
    for learner in learners:
        submission = Submission.objects.get(learner=learner)
        assert submission.attempt_number == 1
        assert attempts_used(learner=learner, task=submission.task_version.task) == 1
    # and: each engine is reported by its own worker, with its own build cache
    heartbeats = {row.worker.split("@")[0]: row for row in EngineHeartbeat.objects.all()}
    assert heartbeats["engine-a"].docker_host == engine_a.url
    assert heartbeats["engine-b"].docker_host == engine_b.url
    assert heartbeats["engine-b"].build_cache_entries >= 1
    assert not heartbeats["engine-a"].consuming
    # and: readiness lists both engines, the stopped one as down, and is ready on the other
    engines_seen = {
        engine["worker"].split("@")[0]: engine["status"]
        for engine in readiness.json()["checks"]["grading_engines"]["engines"]
    }
    assert engines_seen == {"engine-a": "down", "engine-b": "ok"}
    assert readiness.status_code == 200
    assert readiness.json()["checks"]["grading_engines"]["status"] == "ok"
