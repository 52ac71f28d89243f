"""Every task's reference solution earns full marks; every wrong solution fails exactly the
checks its flaw should fail, and nothing of the job is left in the engine afterwards (the
`job_id` fixture asserts that)."""

import docker
import pytest

from graders.data import GradeResult, Verdict
from graders.pipeline import grade_submission
from graders.tasks import TaskDefinition
from tests.graders.pipeline.submissions import submission

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

TASKS_WITH_SOLUTIONS = (
    "production-dockerfile",
    "hardened-container",
    "multi-stage-build",
    "container-networking",
)
EXPECTED_FAILURES: dict[tuple[str, str], set[str]] = {
    ("production-dockerfile", "runs-as-root"): {"non-root-user", "image-user-not-root"},
    # `COPY . .` without a .dockerignore ships the starter's .env: the static rule sees it too.
    ("production-dockerfile", "no-dockerignore"): {
        "dockerignore-excludes",
        "no-secrets",
        "no-secrets-in-image",
    },
    ("production-dockerfile", "shell-form-no-healthcheck"): {
        "healthcheck",
        "exec-form",
        "healthcheck-healthy",
    },
    ("production-dockerfile", "secret-in-env"): {"no-secrets", "no-secrets-in-image"},
    ("production-dockerfile", "add-instead-of-copy"): {"hadolint"},
    ("hardened-container", "runs-as-root"): {"non-root-user", "image-user-not-root"},
    ("hardened-container", "writes-to-read-only-root"): {
        "healthcheck-healthy",
        "hardened-runtime",
        "http-responds",
    },
    ("hardened-container", "secret-in-env"): {"no-secrets", "no-secrets-in-image"},
    ("multi-stage-build", "single-stage"): {
        "multi-stage-no-build-tools",
        "image-size",
        "final-image-no-toolchain",
        "final-image-no-sources",
    },
    ("multi-stage-build", "runtime-on-full-base"): {"image-size", "final-image-no-toolchain"},
    ("multi-stage-build", "sources-copied"): {"final-image-no-sources"},
    ("container-networking", "default-bridge"): {
        "user-defined-network",
        "containers-reach-by-name",
    },
    ("container-networking", "db-port-published"): {"only-api-port-published"},
    ("container-networking", "wrong-db-host"): {"containers-reach-by-name"},
}


def _grade(
    client: docker.DockerClient, task: TaskDefinition, files: dict[str, bytes], job_id: str
) -> GradeResult:
    phases: list[str] = []
    result = grade_submission(
        task.spec,
        submission(task.spec.submission_kind, files),
        client=client,
        job_id=job_id,
        progress=phases.append,
    )
    assert phases[:2] == ["static", "build"]
    assert result.timings["total"] <= task.spec.time_budget_seconds
    return result


def _failed(result: GradeResult) -> set[str]:
    return {outcome.check_id for outcome in result.checks if not outcome.passed}


@pytest.mark.parametrize("slug", TASKS_WITH_SOLUTIONS)
def test_the_reference_solution_earns_full_marks(
    docker_client: docker.DockerClient, tasks: dict[str, TaskDefinition], job_id: str, slug: str
) -> None:
    # given
    task = tasks[slug]

    # when
    result = _grade(docker_client, task, dict(task.reference_files), job_id)

    # then
    assert _failed(result) == set(), [c.message for c in result.checks if not c.passed]
    assert result.verdict == Verdict.PASSED
    assert result.score == result.max_score == sum(item.points for item in task.spec.rubric)
    assert [outcome.check_id for outcome in result.checks] == [
        item.check_id for item in task.spec.rubric
    ]


@pytest.mark.parametrize(("slug", "flaw"), sorted(EXPECTED_FAILURES))
def test_a_wrong_solution_fails_exactly_the_checks_of_its_flaw(
    docker_client: docker.DockerClient,
    tasks: dict[str, TaskDefinition],
    job_id: str,
    slug: str,
    flaw: str,
) -> None:
    # given
    task = tasks[slug]

    # when
    result = _grade(docker_client, task, dict(task.wrong_solutions[flaw]), job_id)

    # then
    assert _failed(result) == EXPECTED_FAILURES[(slug, flaw)]
    assert result.score < result.max_score
    assert all(outcome.message for outcome in result.checks)


def test_every_wrong_solution_on_disk_has_expectations(tasks: dict[str, TaskDefinition]) -> None:
    on_disk = {(slug, flaw) for slug, task in tasks.items() for flaw in task.wrong_solutions}
    assert on_disk == set(EXPECTED_FAILURES)
    for slug in TASKS_WITH_SOLUTIONS:
        assert len(tasks[slug].wrong_solutions) >= 3, slug
