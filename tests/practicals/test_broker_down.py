"""With the broker down, a practical submission is still accepted (202, not 500): the job is
queued in the database and the sweeper sends it once the broker is back."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from kombu.exceptions import OperationalError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from practicals import tasks
from practicals.models import PracticalTask, Submission, SubmissionStatus
from practicals.services.jobs import submissions_sweep_stuck
from tests.practicals.conftest import GOOD_DOCKERFILE

# Real commits, so the after-commit hooks run inside the request as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def refuse(*_: object) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_submission_made_while_the_broker_is_down_is_accepted_and_sent_by_the_sweeper(
    learner: User, task: PracticalTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    cache.clear()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=learner).key}")
    monkeypatch.setattr(tasks.grade_submission, "delay", refuse)

    # when
    response = api.post(
        f"/api/v1/practicals/tasks/{task.slug}/submissions/",
        {"text": GOOD_DOCKERFILE},
        format="json",
    )

    # then: accepted and queued in the database
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(pk=response.json()["id"])
    assert submission.status == SubmissionStatus.QUEUED

    # when: the broker is back and the sweeper runs after the stuck delay
    sent: list[int] = []
    monkeypatch.setattr(tasks.grade_submission, "delay", lambda i: sent.append(i))
    assert submission.enqueued_at is not None
    report = submissions_sweep_stuck(now=submission.enqueued_at + timedelta(minutes=5))

    # then
    assert report.requeued == (submission.pk,)
    assert sent == [submission.pk]
