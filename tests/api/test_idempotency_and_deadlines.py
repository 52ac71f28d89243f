"""Idempotency keys on start and submit; the server's clock on answers."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from assessments.models import Attempt, AttemptStatus, FinalisedBy
from tests.question_examples import right_response


def test_the_same_start_key_returns_the_same_attempt_even_after_submission(api, quiz):
    first = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/", HTTP_IDEMPOTENCY_KEY="lms-1")
    api.post(f"/api/v1/attempts/{first.json()['id']}/submit/")

    repeated = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/", HTTP_IDEMPOTENCY_KEY="lms-1")

    assert (first.status_code, repeated.status_code) == (201, 200)
    assert repeated.json()["id"] == first.json()["id"]
    assert Attempt.objects.count() == 1


def test_a_start_key_used_at_another_assessment_is_refused(api, quiz, make_assessment):
    other = make_assessment([slot.question for slot in quiz.slots.all()], slug="other")
    api.post(f"/api/v1/assessments/{quiz.slug}/attempts/", HTTP_IDEMPOTENCY_KEY="lms-2")

    reused = api.post(f"/api/v1/assessments/{other.slug}/attempts/", HTTP_IDEMPOTENCY_KEY="lms-2")

    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_a_malformed_key_is_a_validation_problem(api, quiz):
    response = api.post(
        f"/api/v1/assessments/{quiz.slug}/attempts/", HTTP_IDEMPOTENCY_KEY="has spaces"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_submitting_twice_returns_the_same_result(api, quiz):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
    api.put(
        f"/api/v1/attempts/{attempt['id']}/answers/1/",
        {"response": right_response("single_choice")},
        format="json",
    )

    first = api.post(f"/api/v1/attempts/{attempt['id']}/submit/", HTTP_IDEMPOTENCY_KEY="s-1")
    second = api.post(f"/api/v1/attempts/{attempt['id']}/submit/", HTTP_IDEMPOTENCY_KEY="s-1")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert Attempt.objects.get().submit_idempotency_key == "s-1"


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_submitted(api, quiz):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
        api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/1/",
            {"response": right_response("single_choice")},
            format="json",
        )
        traveller.shift(timedelta(seconds=quiz.time_limit_seconds + 1))

        late = api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/2/",
            {"response": right_response("single_choice")},
            format="json",
        )
        result = api.get(f"/api/v1/attempts/{attempt['id']}/result/")

    assert late.status_code == 409
    assert late.json()["code"] == "deadline_passed"
    assert result.json()["status"] == AttemptStatus.SUBMITTED
    assert result.json()["finalised_by"] == FinalisedBy.DEADLINE
    assert result.json()["score"] == 1.0


def test_reading_an_expired_attempt_submits_it(api, quiz):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
        traveller.shift(timedelta(seconds=quiz.time_limit_seconds + 1))

        read = api.get(f"/api/v1/attempts/{attempt['id']}/")

    assert read.json()["status"] == AttemptStatus.SUBMITTED
    assert read.json()["seconds_left"] is None


def test_no_attempts_left_is_a_forbidden_problem(api, quiz):
    for _ in range(quiz.attempts_allowed):
        attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
        api.post(f"/api/v1/attempts/{attempt['id']}/submit/")

    refused = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    assert refused.status_code == 403
    assert refused.json()["code"] == "no_attempts_left"


def test_an_assessment_that_is_not_open_cannot_be_started(api, quiz):
    quiz.opens_at = timezone.now() + timedelta(hours=1)
    quiz.save()

    refused = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    assert refused.status_code == 403
    assert refused.json()["code"] == "assessment_unavailable"
