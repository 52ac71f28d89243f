"""Every task's reference solution earns full marks; every wrong solution fails exactly the
checks its flaw should fail (or is refused before it runs), stand-ins for the app fail the task
with messages that say why, and nothing of the job is left in the engine afterwards (the
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
    ("production-dockerfile", "stand-in-server"): {"app-round-trip"},
    ("hardened-container", "runs-as-root"): {"non-root-user", "image-user-not-root"},
    ("hardened-container", "writes-to-read-only-root"): {
        "healthcheck-healthy",
        "hardened-runtime",
        "http-responds",
        "app-round-trip",
    },
    ("hardened-container", "stand-in-server"): {"app-round-trip"},
    ("hardened-container", "secret-in-env"): {"no-secrets", "no-secrets-in-image"},
    ("multi-stage-build", "single-stage"): {
        "multi-stage-no-build-tools",
        "image-size",
        "final-image-no-toolchain",
        "final-image-no-sources",
        "build-output-runs",
    },
    ("multi-stage-build", "runtime-on-full-base"): {"image-size", "final-image-no-toolchain"},
    ("multi-stage-build", "sources-copied"): {"final-image-no-sources"},
    ("multi-stage-build", "static-health-stand-in"): {"app-round-trip", "build-output-runs"},
    ("multi-stage-build", "bundle-shipped-stand-in-serves"): {
        "app-round-trip",
        "build-output-runs",
    },
    ("multi-stage-build", "tests-skipped"): {"build-output-runs"},
    ("container-networking", "default-bridge"): {
        "user-defined-network",
        "containers-reach-by-name",
        "api-round-trip-by-name",
    },
    ("container-networking", "db-port-published"): {"only-api-port-published"},
    ("container-networking", "wrong-db-host"): {
        "containers-reach-by-name",
        "api-round-trip-by-name",
    },
}
# Flaws that cost points without failing the task; every other wrong solution fails it. Pinned
# so that a rubric change (points, pass mark) cannot quietly let a failing flaw pass.
PASSING_FLAWS = {
    ("production-dockerfile", "add-instead-of-copy"),
    ("multi-stage-build", "sources-copied"),
    ("container-networking", "db-port-published"),
}
# Refused before anything runs: the reason, as the learner reads it.
EXPECTED_REJECTIONS: dict[tuple[str, str], str] = {
    ("container-networking", "stand-in-server"): "image `busybox:1.35` is not one of this task's",
}
# Stand-ins for the app (and builds that are not what runs) fail the task, whatever they score
# elsewhere, and the failed checks' messages say what the grader found.
STAND_IN_MESSAGES: dict[tuple[str, str], dict[str, str]] = {
    ("production-dockerfile", "stand-in-server"): {
        "app-round-trip": "`POST /notes` (add a note) answered HTTP 501; the task's app "
        "answers 201",
    },
    ("hardened-container", "stand-in-server"): {
        "app-round-trip": "`POST /visits` (count a visit by one visitor) answered HTTP",
    },
    ("multi-stage-build", "static-health-stand-in"): {
        "app-round-trip": "does not answer like the task's app",
        "build-output-runs": "The final image has no `/app/quotes_api.pyc`",
    },
    ("multi-stage-build", "bundle-shipped-stand-in-serves"): {
        "app-round-trip": "does not answer like the task's app",
        "build-output-runs": "but the process that answers is not running it",
    },
    ("multi-stage-build", "tests-skipped"): {
        "build-output-runs": "the build stage did not run the tests",
    },
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
    assert result.passed is ((slug, flaw) in PASSING_FLAWS)
    assert all(outcome.message for outcome in result.checks)


@pytest.mark.parametrize(("slug", "flaw"), sorted(STAND_IN_MESSAGES))
def test_a_stand_in_for_the_app_fails_the_task_and_says_why(
    docker_client: docker.DockerClient,
    tasks: dict[str, TaskDefinition],
    job_id: str,
    slug: str,
    flaw: str,
) -> None:
    # given
    task = tasks[slug]
    required = {item.check_id for item in task.spec.rubric if item.required}

    # when
    result = _grade(docker_client, task, dict(task.wrong_solutions[flaw]), job_id)

    # then
    messages = {outcome.check_id: outcome.message for outcome in result.checks}
    assert result.verdict == Verdict.FAILED
    assert _failed(result) & required
    assert all(check in result.reason for check in _failed(result) & required), result.reason
    for check_id, expected in STAND_IN_MESSAGES[(slug, flaw)].items():
        assert expected in messages[check_id], messages[check_id]


@pytest.mark.parametrize(("slug", "flaw"), sorted(EXPECTED_REJECTIONS))
def test_a_stand_in_the_commands_cannot_start_is_refused(
    docker_client: docker.DockerClient,
    tasks: dict[str, TaskDefinition],
    job_id: str,
    slug: str,
    flaw: str,
) -> None:
    # given
    task = tasks[slug]

    # when
    result = grade_submission(
        task.spec,
        submission(task.spec.submission_kind, dict(task.wrong_solutions[flaw])),
        client=docker_client,
        job_id=job_id,
    )

    # then
    assert result.verdict == Verdict.REJECTED
    assert result.checks == ()
    assert EXPECTED_REJECTIONS[(slug, flaw)] in result.reason


def test_every_wrong_solution_on_disk_has_expectations(tasks: dict[str, TaskDefinition]) -> None:
    on_disk = {(slug, flaw) for slug, task in tasks.items() for flaw in task.wrong_solutions}
    assert on_disk == set(EXPECTED_FAILURES) | set(EXPECTED_REJECTIONS)
    assert not set(EXPECTED_FAILURES) & set(EXPECTED_REJECTIONS)
    for slug in TASKS_WITH_SOLUTIONS:
        assert len(tasks[slug].wrong_solutions) >= 3, slug
