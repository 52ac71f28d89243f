"""A worker killed (SIGKILL) in the middle of a grading job: another worker takes the job over
once the lease runs out, and the submission ends with exactly one result.

Real processes: Celery workers on the Redis broker, PostgreSQL, the Docker engine. Without them
these tests skip on a laptop but FAIL in CI (`CI=true`).
"""

import os
import signal
from pathlib import Path

import docker
import pytest

from accounts.models import User
from coursepackages.api import course_package_sync_folder
from coursepackages.layout import DEMO_TASKS_DIR
from practicals.models import GradingRun, Submission, SubmissionStatus
from practicals.services.submissions import SubmittedFiles, submission_create
from tests.graders.sandbox.conftest import (
    base_images,
    docker_client,
    image_cache_dir,
    leftovers_of_jobs_starting_with,
)
from tests.practicals.worker_processes import (
    flush_broker,
    send_grading,
    start_worker,
    stop_worker,
    wait_for,
)

__all__ = ["base_images", "docker_client", "image_cache_dir"]

pytestmark = [
    pytest.mark.docker,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("base_images"),
    pytest.mark.timeout(300),
]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (DEMO_TASKS_DIR / "hardened-container/reference/Dockerfile").read_text()
# The reference solution plus a slow build step, so the worker can be killed mid-build.
SLOW_REFERENCE = REFERENCE.replace("WORKDIR /app\n", "WORKDIR /app\nRUN sleep 8\n", 1)
# Short lease and sweep periods so the takeover happens within the test.
FAST_RECOVERY = {
    "GRADING_LEASE_SECONDS": "6",
    "GRADING_STUCK_AFTER_SECONDS": "10",
    "GRADING_SWEEP_INTERVAL_SECONDS": "5",
}


@pytest.fixture
def services() -> None:
    """The grading broker, emptied (the markers above make PostgreSQL and Redis required)."""
    flush_broker()


def test_a_job_whose_worker_was_killed_ends_with_exactly_one_result(
    services: None,
    docker_client: docker.DockerClient,
    learner: User,
    tmp_path: Path,
    sent: list[int],
):
    # given: the course, the tasks, a submission in the broker, and a worker grading it
    course_package_sync_folder()
    submission = submission_create(
        learner=learner,
        task_slug="hardened-container",
        files=SubmittedFiles("Dockerfile", SLOW_REFERENCE.encode()),
    )
    send_grading(sent)
    first = start_worker("doomed", tmp_path, extra_env=FAST_RECOVERY)
    second = None
    try:
        wait_for(
            lambda: Submission.objects.filter(pk=submission.pk, phase="build").exists(),
            timeout=90,
            what="the first worker to start building",
        )

        # when: the worker is killed mid-build, and another worker (with the sweeper) starts
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        killed = Submission.objects.get(pk=submission.pk)
        second = start_worker("rescuer", tmp_path, beat=True, extra_env=FAST_RECOVERY)
        wait_for(
            lambda: Submission.objects.filter(pk=submission.pk, status="done").exists(),
            timeout=180,
            what="the second worker to finish the job",
        )
    finally:
        for worker in (first, second):
            if worker is not None:
                stop_worker(worker)
        flush_broker()

    # then: exactly one run, from the second claim, with full marks
    assert killed.status == SubmissionStatus.BUILDING
    assert killed.lease_owner.startswith("doomed@")
    runs = GradingRun.objects.filter(submission=submission)
    assert runs.count() == 1
    run = runs.get()
    assert run.claims == 2
    assert run.verdict == "passed"
    assert run.score == run.max_score
    done = Submission.objects.get(pk=submission.pk)
    assert done.lease_owner == ""
    assert done.attempt_number == 1
    # The dead worker's job left objects behind only under its own job id; the janitor's business.
    dead_job = f"sub{submission.pk}-c1-{killed.lease_owner[-8:]}"
    rescued_job = f"sub{submission.pk}-c2-"
    leftovers = leftovers_of_jobs_starting_with(docker_client, rescued_job, build_cache_aside=True)
    assert leftovers == {"containers": [], "networks": [], "images": []}
    from graders.sandbox.scope import remove_job_resources

    remove_job_resources(docker_client, dead_job)
