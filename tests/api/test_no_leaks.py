"""No correct answer, fraction or feedback reaches a learner before the feedback policy allows it:
for every question type under every feedback policy, on the attempt, the save acknowledgement,
the submission and the result."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from assessments.models import FeedbackPolicy
from tests.api.leak_scan import leaks
from tests.question_examples import ALL_SECRETS, TYPE_NAMES, right_response

POLICIES = [FeedbackPolicy.IMMEDIATE, FeedbackPolicy.AFTER_SUBMISSION, FeedbackPolicy.AFTER_CLOSE]
OPEN_FOR = timedelta(days=1)


@pytest.fixture
def attempt_at(api, make_question, make_assessment):
    """Start an attempt at a one-question assessment of the type, under the policy."""

    def start(question_type: str, policy: str) -> dict:
        make_assessment(
            [make_question(question_type)],
            slug="leak-check",
            feedback_policy=policy,
            closes_at=timezone.now() + OPEN_FOR,
        )
        response = api.post("/api/v1/assessments/leak-check/attempts/")
        assert response.status_code == 201
        return response.json()

    return start


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("question_type", TYPE_NAMES)
def test_nothing_is_revealed_before_the_policy_allows_it(api, attempt_at, question_type, policy):
    # given a fresh attempt
    started = attempt_at(question_type, policy)
    attempt_url = f"/api/v1/attempts/{started['id']}/"

    # when the learner answers correctly (checking it where feedback is immediate), reads the
    # attempt, submits and asks for the result
    saved = api.put(
        f"{attempt_url}answers/1/", {"response": right_response(question_type)}, format="json"
    )
    before_check = api.get(attempt_url)
    checked = api.post(
        f"{attempt_url}answers/1/check/", {"response": right_response(question_type)}, format="json"
    )
    during = api.get(attempt_url)
    submitted = api.post(f"{attempt_url}submit/")
    result = api.get(f"{attempt_url}result/")

    # then the start and the save show nothing, whatever the policy
    assert leaks(started) == []
    assert saved.status_code == 200
    assert leaks(saved.json()) == []
    assert leaks(before_check.json()) == []
    if policy == FeedbackPolicy.IMMEDIATE:
        # ... immediate feedback grades the checked answer, and only that
        assert checked.json()["item"]["fraction"] == 1.0
        assert during.json()["items"][0]["feedback"] is not None
        assert during.json()["score"] is None
    else:
        assert checked.status_code == 409
        assert leaks(checked.json()) == []
        assert leaks(during.json()) == []
    if policy == FeedbackPolicy.AFTER_CLOSE:
        # ... after-close shows nothing at submission, not even the score
        assert leaks(submitted.json()) == []
        assert leaks(result.json()) == []
        assert result.json()["grades_visible"] is False
    else:
        assert submitted.json()["percent"] == 100.0
        assert result.json()["items"][0]["fraction"] == 1.0
        assert leaks(result.json()) != []  # the scanner sees what is now allowed


@pytest.mark.parametrize("question_type", TYPE_NAMES)
def test_after_close_feedback_appears_once_the_assessment_closes(api, attempt_at, question_type):
    started = attempt_at(question_type, FeedbackPolicy.AFTER_CLOSE)
    api.put(
        f"/api/v1/attempts/{started['id']}/answers/1/",
        {"response": right_response(question_type)},
        format="json",
    )
    api.post(f"/api/v1/attempts/{started['id']}/submit/")

    with time_machine.travel(timezone.now() + OPEN_FOR + timedelta(seconds=1)):
        result = api.get(f"/api/v1/attempts/{started['id']}/result/")
        progress = api.get("/api/v1/me/progress/")

    assert result.json()["grades_visible"] is True
    assert result.json()["items"][0]["fraction"] == 1.0
    assert progress.json()["sections"][0]["percent"] == 100


def test_the_scanner_finds_every_answer_side_string_wherever_it_sits() -> None:
    for secret in ALL_SECRETS:
        planted = {"items": [{"view": {"hint": f"Remember: {secret}"}, "response": secret}]}

        assert leaks(planted) == ["$.items[0].view.hint"], secret


def test_hidden_grades_do_not_reach_progress_or_the_assessment_standing(api, attempt_at):
    started = attempt_at("single_choice", FeedbackPolicy.AFTER_CLOSE)
    api.put(
        f"/api/v1/attempts/{started['id']}/answers/1/",
        {"response": right_response("single_choice")},
        format="json",
    )
    api.post(f"/api/v1/attempts/{started['id']}/submit/")

    progress = api.get("/api/v1/me/progress/")
    standing = api.get("/api/v1/assessments/leak-check/")
    listed = api.get("/api/v1/assessments/leak-check/attempts/")

    assert progress.json() == {"sections": [], "objectives": []}
    assert standing.json()["standing"]["best_percent"] is None
    assert standing.json()["standing"]["result_percent"] is None
    assert standing.json()["standing"]["result_passed"] is None
    assert leaks(listed.json()) == []
