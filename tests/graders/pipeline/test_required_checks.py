"""A rubric item marked `required` must pass for the submission to pass, whatever the score
(graders/pipeline.py); the reason the learner reads names it."""

import docker
import pytest

from graders.data import RubricItem, SubmissionKind, TaskSpec, Verdict
from graders.pipeline import REQUIRED_FAILED_REASON, grade_submission
from tests.graders.pipeline.submissions import submission

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

SECTION = "writing-production-ready-dockerfiles"
# Builds in a second; exec-form CMD but no HEALTHCHECK: 9 of 10 points.
DOCKERFILE = 'FROM busybox:1.35\nCMD ["sleep", "1"]\n'


def _task(*, healthcheck_required: bool) -> TaskSpec:
    return TaskSpec(
        slug="required-demo",
        version=1,
        submission_kind=SubmissionKind.DOCKERFILE,
        allowed_base_images=("busybox:1.35",),
        rubric=(
            RubricItem("exec-form", 9, SECTION),
            RubricItem("healthcheck", 1, SECTION, required=healthcheck_required),
        ),
        pass_percent=50,
        time_budget_seconds=60,
    )


@pytest.mark.parametrize(("required", "verdict"), [(False, Verdict.PASSED), (True, Verdict.FAILED)])
def test_a_failed_required_check_fails_the_submission_whatever_the_score(
    docker_client: docker.DockerClient, job_id: str, required: bool, verdict: Verdict
) -> None:
    # given
    task = _task(healthcheck_required=required)
    files = {"Dockerfile": DOCKERFILE.encode()}

    # when
    result = grade_submission(
        task, submission(SubmissionKind.DOCKERFILE, files), client=docker_client, job_id=job_id
    )

    # then
    assert (result.score, result.max_score) == (9, 10)
    assert result.verdict == verdict
    expected_reason = REQUIRED_FAILED_REASON.format(checks="healthcheck") if required else ""
    assert result.reason == expected_reason
