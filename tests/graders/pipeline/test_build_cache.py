"""Grading with the learner build cache: a resubmission reuses the layers of the first grading,
earns the same verdict, and leaves nothing in the engine but the bounded cache's entries."""

import uuid
from collections.abc import Iterator

import docker
import pytest

from graders.data import Verdict
from graders.pipeline import grade_submission
from graders.sandbox.buildcache import CACHE_REPOSITORY, LearnerBuildCache
from graders.sandbox.scope import remove_job_resources
from graders.tasks import TaskDefinition
from tests.graders.pipeline.submissions import submission
from tests.graders.sandbox.conftest import labelled_leftovers

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

# Not "test-...": no other test's cleanup of its own jobs may reach this one's.
JOB_PREFIX = "pipelinecache-"


@pytest.fixture
def build_cache(docker_client: docker.DockerClient) -> Iterator[LearnerBuildCache]:
    """A cache that sees only this test's jobs (other gradings use the engine meanwhile)."""
    cache = LearnerBuildCache(scope=f"{JOB_PREFIX}{uuid.uuid4().hex[:8]}-")
    yield cache
    cache.clear(docker_client)


@pytest.mark.parametrize(
    ("slug", "solution"),
    [
        ("production-dockerfile", None),
        ("multi-stage-build", None),
        ("production-dockerfile", "runs-as-root"),
    ],
)
def test_a_resubmission_is_graded_alike_from_cached_layers(
    docker_client: docker.DockerClient,
    tasks: dict[str, TaskDefinition],
    build_cache: LearnerBuildCache,
    slug: str,
    solution: str | None,
) -> None:
    # given: the first grading of a submission
    task = tasks[slug]
    files = dict(task.reference_files if solution is None else task.wrong_solutions[solution])
    answer = submission(task.spec.submission_kind, files)
    jobs = [f"{build_cache.scope}{number}" for number in range(2)]
    try:
        first = grade_submission(
            task.spec, answer, client=docker_client, job_id=jobs[0], build_cache=build_cache
        )

        # when: the same files are submitted again
        second = grade_submission(
            task.spec, answer, client=docker_client, job_id=jobs[1], build_cache=build_cache
        )

        # then: same verdict and checks; the build ran from cache; only cache entries remain
        assert first.verdict == second.verdict
        assert (first.verdict == Verdict.PASSED) is (solution is None)
        assert [(c.check_id, c.passed) for c in first.checks] == [
            (c.check_id, c.passed) for c in second.checks
        ]
        assert "Running in" not in _steps_before_label(second.log_excerpt)
        for job in jobs:
            leftovers = labelled_leftovers(job)
            assert leftovers["containers"] == leftovers["networks"] == []
            assert all(
                docker_client.images.get(image).tags[0].startswith(f"{CACHE_REPOSITORY}:{job}-")
                for image in leftovers["images"]
            )
    finally:
        for job in jobs:
            remove_job_resources(docker_client, job)


def test_without_a_cache_nothing_is_kept(
    docker_client: docker.DockerClient, tasks: dict[str, TaskDefinition]
) -> None:
    task = tasks["production-dockerfile"]
    job = f"{JOB_PREFIX}{uuid.uuid4().hex[:12]}"

    result = grade_submission(
        task.spec,
        submission(task.spec.submission_kind, dict(task.reference_files)),
        client=docker_client,
        job_id=job,
        build_cache=LearnerBuildCache(max_bytes=0),
    )

    assert result.verdict == Verdict.PASSED
    assert "Using cache" not in result.log_excerpt
    assert labelled_leftovers(job) == {"containers": [], "networks": [], "images": []}


def _steps_before_label(log: str) -> str:
    """The build log without the final LABEL step (the job's label is new on every build)."""
    return log.split("LABEL org.quayside.job")[0]
