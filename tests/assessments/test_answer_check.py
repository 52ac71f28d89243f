"""Immediate feedback (practice): checking an answer grades it and locks it, through the service,
the learner API and the portal; a save never grades, so feedback cannot be harvested by
re-saving every option."""

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    Attempt,
    FeedbackPolicy,
    Provenance,
    QuestionStatus,
)
from assessments.question_types import option_id
from assessments.selectors.attempts import ItemForSave, attempt_question_get_for_learner
from assessments.services.answers import attempt_answer_check, attempt_answer_save
from assessments.services.attempts import AnswerLocked, CheckUnavailable, attempt_start
from assessments.services.questions import QuestionContent, question_create
from tests.factories import SectionFactory

RIGHT, WRONG, OTHER = "docker ps", "docker images", "docker build"


@pytest.fixture
def practice(db: None) -> Assessment:
    section = SectionFactory()
    questions = [
        question_create(
            key=f"ps-{number}",
            section_id=section.pk,
            content=QuestionContent(
                type="single_choice",
                spec={
                    "prompt": f"Which command lists running containers? ({number})",
                    "options": [
                        {"text": RIGHT, "correct": True, "feedback": "Right: ps lists them."},
                        {"text": WRONG, "correct": False, "feedback": "That lists images."},
                        {"text": OTHER, "correct": False, "feedback": "That builds."},
                    ],
                    "feedback": "Section 7: Essential Docker Commands.",
                },
            ),
            provenance=Provenance.AUTHORED,
            status=QuestionStatus.READY,
        )
        for number in (1, 2)
    ]
    assessment = Assessment.objects.create(
        slug="practice",
        title="Practice",
        kind=AssessmentKind.PRACTICE,
        module=section.module,
        feedback_policy=FeedbackPolicy.IMMEDIATE,
        shuffle_questions=False,
    )
    for position, question in enumerate(questions, start=1):
        AssessmentSlot.objects.create(assessment=assessment, position=position, question=question)
    return assessment


def item_for_save(attempt: Attempt, position: int, learner: User) -> ItemForSave:
    return ItemForSave.of(
        attempt_question_get_for_learner(attempt_id=attempt.pk, position=position, learner=learner)
    )


def test_a_save_under_immediate_feedback_does_not_grade(practice: Assessment, learner: User):
    attempt = attempt_start(learner=learner, assessment=practice)

    attempt_answer_save(item=item_for_save(attempt, 1, learner), response=option_id(WRONG))

    item = attempt.questions.get(position=1)
    assert (item.response, item.fraction, item.feedback, item.checked_at) == (
        option_id(WRONG),
        None,
        None,
        None,
    )


def test_checking_grades_the_answer_and_locks_it(practice: Assessment, learner: User):
    # given an attempt with a checked wrong answer
    attempt = attempt_start(learner=learner, assessment=practice)
    acknowledgement = attempt_answer_check(
        item=item_for_save(attempt, 1, learner), response=option_id(WRONG)
    )

    # when the learner tries the other options by saving or checking again
    with pytest.raises(AnswerLocked):
        attempt_answer_save(item=item_for_save(attempt, 1, learner), response=option_id(RIGHT))
    with pytest.raises(AnswerLocked):
        attempt_answer_check(item=item_for_save(attempt, 1, learner), response=option_id(RIGHT))

    # then the first check stands: graded, locked, unchanged
    item = attempt.questions.get(position=1)
    assert acknowledgement.checked is True
    assert item.checked_at is not None
    assert (item.response, item.fraction) == (option_id(WRONG), 0.0)
    assert item.save_count == 1


def test_a_stale_read_cannot_slip_past_the_lock(practice: Assessment, learner: User):
    # given a read taken before the check (as by a concurrent request)
    attempt = attempt_start(learner=learner, assessment=practice)
    stale = item_for_save(attempt, 1, learner)
    attempt_answer_check(item=item_for_save(attempt, 1, learner), response=option_id(WRONG))

    # then the conditional write refuses it
    with pytest.raises(AnswerLocked):
        attempt_answer_save(item=stale, response=option_id(RIGHT))
    assert attempt.questions.get(position=1).response == option_id(WRONG)


def test_other_policies_check_nothing(practice: Assessment, learner: User):
    practice.feedback_policy = FeedbackPolicy.AFTER_SUBMISSION
    practice.save()
    attempt = attempt_start(learner=learner, assessment=practice)

    with pytest.raises(CheckUnavailable):
        attempt_answer_check(item=item_for_save(attempt, 1, learner), response=option_id(RIGHT))

    assert attempt.questions.get(position=1).response is None


def _api(learner: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=learner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_api_checks_once_and_shows_the_lock(practice: Assessment, learner: User):
    # given an attempt started through the API
    api = _api(learner)
    attempt = api.post("/api/v1/assessments/practice/attempts/").json()
    url = f"/api/v1/attempts/{attempt['id']}/answers/1/"

    # when the learner saves, checks, then tries to change the answer
    saved = api.put(url, {"response": option_id(WRONG)}, format="json")
    before = api.get(f"/api/v1/attempts/{attempt['id']}/").json()["items"][0]
    checked = api.post(f"{url}check/", {"response": option_id(RIGHT)}, format="json")
    resaved = api.put(url, {"response": option_id(WRONG)}, format="json")
    rechecked = api.post(f"{url}check/", {"response": option_id(WRONG)}, format="json")
    after = api.get(f"/api/v1/attempts/{attempt['id']}/").json()["items"][0]

    # then the save showed nothing, the check graded and locked the answer
    assert saved.status_code == 200
    assert saved.json()["checked"] is False
    assert "item" not in saved.json()
    assert (before["checked"], before["fraction"], before["feedback"]) == (False, None, None)
    assert checked.status_code == 200
    assert checked.json()["checked"] is True
    assert checked.json()["item"]["fraction"] == 1.0
    assert resaved.status_code == rechecked.status_code == 409
    assert resaved.json()["code"] == rechecked.json()["code"] == "answer_locked"
    assert (after["checked"], after["fraction"], after["response"]) == (True, 1.0, option_id(RIGHT))


def test_the_api_refuses_a_check_outside_immediate_feedback(practice: Assessment, learner: User):
    practice.feedback_policy = FeedbackPolicy.AFTER_SUBMISSION
    practice.save()
    api = _api(learner)
    attempt = api.post("/api/v1/assessments/practice/attempts/").json()

    response = api.post(
        f"/api/v1/attempts/{attempt['id']}/answers/1/check/",
        {"response": option_id(RIGHT)},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "check_unavailable"
    assert "fraction" not in str(response.json())


def _portal(learner: User) -> Client:
    client = Client()
    client.force_login(learner)
    return client


def test_the_portal_offers_check_and_locks_the_checked_answer(
    practice: Assessment, learner: User
) -> None:
    # given an attempt page in the portal
    portal = _portal(learner)
    attempt = attempt_start(learner=learner, assessment=practice)
    page = portal.get(f"/learn/attempts/{attempt.pk}/").content.decode()

    # when the learner checks question 1 without JavaScript (the whole form posts)
    posted = portal.post(
        f"/learn/attempts/{attempt.pk}/",
        {"q1": option_id(RIGHT), "q2": option_id(WRONG), "check": "1"},
    )
    after = portal.get(f"/learn/attempts/{attempt.pk}/").content.decode()

    # then question 1 is graded and locked, question 2 only saved
    assert page.count('name="check"') == 2
    assert posted.status_code == 302
    first, second = attempt.questions.order_by("position")
    assert (first.checked_at is not None, first.fraction) == (True, 1.0)
    assert (second.checked_at, second.fraction, second.response) == (None, None, option_id(WRONG))
    assert after.count('name="check"') == 1
    assert "Checked: this answer is graded and locked" in after
    assert "Right: ps lists them." in after
    question_one = after.split('id="question-1"')[1].split('id="question-2"')[0]
    assert question_one.count("disabled") >= 3  # every option of the locked answer


def test_the_portal_check_endpoint_returns_the_feedback_and_refuses_a_second_check(
    practice: Assessment, learner: User
) -> None:
    portal = _portal(learner)
    attempt = attempt_start(learner=learner, assessment=practice)
    url = f"/learn/attempts/{attempt.pk}/questions/1/check/"

    checked = portal.post(url, {"q1": option_id(WRONG)}, HTTP_ACCEPT="application/json")
    again = portal.post(url, {"q1": option_id(RIGHT)}, HTTP_ACCEPT="application/json")
    saved = portal.post(
        f"/learn/attempts/{attempt.pk}/questions/1/save/",
        {"q1": option_id(RIGHT)},
        HTTP_ACCEPT="application/json",
    )

    body: dict[str, Any] = checked.json()
    assert checked.status_code == 200
    assert body["checked"] is True
    assert "Incorrect" in body["feedback_html"]
    assert "That lists images." in body["feedback_html"]
    assert again.status_code == saved.status_code == 409
    assert again.json()["code"] == saved.json()["code"] == "answer_locked"
