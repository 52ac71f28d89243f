"""Operator error text never reaches learners: one selector decides what a learner may read of a
grading run's reason, and both channels (the learner API and the portal's run template) use it."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from practicals.grader_adapter import task_spec_for_version
from practicals.models import GradingRun, PracticalTask, Submission, Verdict
from practicals.selectors import LEARNER_ERROR_REASON
from practicals.services.grading import submission_grade
from practicals.services.submissions import SubmittedFiles, submission_create
from tests.practicals.conftest import GOOD_DOCKERFILE, FakeGrader, passing_result

OPERATOR_TEXT = "dockerd at unix:///srv/engines/engine-7.sock refused: TLS handshake timeout"


@pytest.fixture
def submission(learner: User, task: PracticalTask, sent: list[int]) -> Submission:
    files = SubmittedFiles("Dockerfile", GOOD_DOCKERFILE.encode())
    return submission_create(learner=learner, task_slug=task.slug, files=files)


@pytest.fixture
def errored(submission: Submission, fake_grader: FakeGrader) -> Submission:
    """A submission whose grading ended with verdict error and an operator's reason."""
    fake_grader.faults = [RuntimeError(OPERATOR_TEXT)]
    with pytest.raises(RuntimeError):
        submission_grade(submission_id=submission.pk, worker="worker-a")
    run = GradingRun.objects.get(submission=submission)
    assert run.verdict == Verdict.ERROR
    assert OPERATOR_TEXT in run.reason
    return submission


def _page(user: User, submission: Submission) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("practicals:submission", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api_result(user: User, submission: Submission) -> dict[str, object]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/practicals/submissions/{submission.pk}/result/")
    assert response.status_code == 200
    result: dict[str, object] = response.json()
    return result


def test_a_learner_reads_a_generic_notice_for_an_error_on_the_page_and_in_the_api(
    errored: Submission, learner: User
):
    page = _page(learner, errored)
    result = _api_result(learner, errored)

    assert OPERATOR_TEXT not in page
    assert "engine-7" not in page
    assert LEARNER_ERROR_REASON in page
    assert result["reason"] == LEARNER_ERROR_REASON
    assert OPERATOR_TEXT not in str(result)


def test_an_instructor_reads_the_operator_reason_on_the_page(errored: Submission, instructor: User):
    page = _page(instructor, errored)

    assert OPERATOR_TEXT in page


def test_a_refusal_is_explained_to_the_learner_on_both_channels(
    submission: Submission, fake_grader: FakeGrader, task: PracticalTask, learner: User
):
    from graders.data import Verdict as GraderVerdict

    refusal = "The base image ubuntu:latest is not one this task allows."
    fake_grader.result = passing_result(
        task_spec_for_version(task.current_version), verdict=GraderVerdict.REJECTED, reason=refusal
    )
    submission_grade(submission_id=submission.pk, worker="worker-a")

    assert refusal in _page(learner, submission)
    assert _api_result(learner, submission)["reason"] == refusal


def test_a_graded_run_shows_the_learner_no_reason_text(
    submission: Submission, fake_grader: FakeGrader, task: PracticalTask, learner: User
):
    fake_grader.result = passing_result(
        task_spec_for_version(task.current_version), reason="worker-a took 3 claims"
    )
    submission_grade(submission_id=submission.pk, worker="worker-a")

    assert "worker-a took 3 claims" not in _page(learner, submission)
    assert _api_result(learner, submission)["reason"] == ""


def test_a_failure_names_the_required_check_to_the_learner_on_both_channels(
    submission: Submission, fake_grader: FakeGrader, task: PracticalTask, learner: User
):
    from graders.data import Verdict as GraderVerdict
    from graders.pipeline import REQUIRED_FAILED_REASON

    # given a run that failed because a required check failed, whatever its score
    reason = REQUIRED_FAILED_REASON.format(checks="app-round-trip")
    fake_grader.result = passing_result(
        task_spec_for_version(task.current_version), verdict=GraderVerdict.FAILED, reason=reason
    )

    # when it is graded
    submission_grade(submission_id=submission.pk, worker="worker-a")

    # then the learner reads why on the page and through the API
    assert "app-round-trip" in _page(learner, submission)
    assert _api_result(learner, submission)["reason"] == reason
