"""With the broker down, a learner's submitted attempt is still submitted (200, not 500), and the
certificate evaluation it triggers is recorded for the sweeper to send later."""

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, Attempt, AttemptStatus
from certificates import tasks as certificate_tasks
from certificates.models import PendingEvaluation
from certificates.services.evaluations import certification_evaluations_sweep
from tests.question_examples import right_response

# Real commits, so the after-commit hooks run inside the request as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def refuse(*_: object) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_an_attempt_submitted_while_the_broker_is_down_is_graded_and_its_evaluation_kept(
    api: APIClient, learner: User, quiz: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: an attempt with its answers saved, and a broker that refuses every message
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
    for item in attempt["items"]:
        api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{item['position']}/",
            {"response": right_response(item["type"])},
            format="json",
        )
    monkeypatch.setattr(certificate_tasks.evaluate_learner_certifications, "delay", refuse)

    # when
    submitted = api.post(f"/api/v1/attempts/{attempt['id']}/submit/")

    # then: submitted and graded, and the evaluation waits for the sweeper
    assert submitted.status_code == 200, submitted.content
    stored = Attempt.objects.get(pk=attempt["id"])
    assert stored.status == AttemptStatus.SUBMITTED
    assert stored.percent == 100
    marker = PendingEvaluation.objects.get(learner=learner)

    # when: the broker is back and the sweeper runs after the stuck delay
    resent: list[int] = []
    monkeypatch.setattr(
        certificate_tasks.evaluate_learner_certifications, "delay", lambda i: resent.append(i)
    )
    swept = certification_evaluations_sweep(now=marker.enqueued_at + timedelta(minutes=5))

    # then
    assert swept == [learner.pk]
    assert resent == [learner.pk]
