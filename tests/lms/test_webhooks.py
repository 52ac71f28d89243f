"""Webhooks: signed (Standard Webhooks), scoped, retried, logged, replayable."""

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from accounts.models import User
from assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus
from lms.models import WebhookDelivery, WebhookDeliveryStatus
from lms.services import service_account_create
from lms.subscriptions import on_attempt_graded, on_certificate_revoked
from lms.webhooks import WebhookError, webhook_subscribe
from quayside.celery import app as celery_app
from tests.factories import CourseFactory, ModuleFactory
from tests.local_http import serving_posts

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    """An LMS's webhook endpoint: verifies every signature with the subscription's secret."""

    url: str = ""
    secret: str = ""
    verified: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)

    def receive(self, body: bytes, headers: dict[str, str]) -> int:
        if self.answers:
            return self.answers.pop(0)
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError as error:
            self.rejected.append(str(error))
            return 401
        self.verified.append(payload)
        self.headers.append(headers)
        return 204


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with serving_posts(lambda path, body, headers: (state.receive(body, headers), b"")) as url:
        state.url = f"{url}/hooks"
        yield state
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def scoped(learner: User, receiver: Receiver) -> dict[str, Any]:
    course = CourseFactory()
    module = ModuleFactory(course=course)
    other_module = ModuleFactory()
    account = service_account_create(
        name="Moodle", course_slugs=[course.slug], learner_emails=[learner.email]
    ).account
    issued = webhook_subscribe(
        account_name="Moodle", url=receiver.url, events=["attempt.graded", "certificate.issued"]
    )
    receiver.secret = issued.secret
    return {"account": account, "module": module, "other_module": other_module}


def graded_attempt(learner: User, module: Any, slug: str = "quiz") -> Attempt:
    assessment = Assessment.objects.create(
        slug=slug, title=slug.title(), kind=AssessmentKind.FINAL_EXAM, module=module
    )
    return Attempt.objects.create(
        assessment=assessment,
        learner=learner,
        number=1,
        status=AttemptStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


def test_a_graded_attempt_reaches_the_lms_signed_and_once(
    learner: User, receiver: Receiver, scoped: dict[str, Any], django_capture_on_commit_callbacks
) -> None:
    attempt = graded_attempt(learner, scoped["module"])

    with django_capture_on_commit_callbacks(execute=True):
        on_attempt_graded(attempt.pk)
        on_attempt_graded(attempt.pk)  # heard twice: sent once

    assert receiver.rejected == []
    assert len(receiver.verified) == 1
    payload = receiver.verified[0]
    assert payload["type"] == "attempt.graded"
    assert payload["data"]["attempt"] == attempt.pk
    assert payload["data"]["learner"]["email"] == learner.email
    assert payload["data"]["result_url"] == f"/api/v1/attempts/{attempt.pk}/result/"
    assert receiver.headers[0]["webhook-signature"].startswith("v1,")
    delivery = WebhookDelivery.objects.get()
    assert receiver.headers[0]["webhook-id"] == delivery.message_id
    assert (delivery.status, delivery.tries, delivery.last_status_code) == (
        WebhookDeliveryStatus.DELIVERED,
        1,
        204,
    )


def test_a_signature_under_another_secret_does_not_verify(
    learner: User, receiver: Receiver, scoped: dict[str, Any], django_capture_on_commit_callbacks
) -> None:
    receiver.secret = "whsec_" + "QUJD" * 8  # the LMS holds a different secret
    attempt = graded_attempt(learner, scoped["module"])

    with django_capture_on_commit_callbacks(execute=True):
        on_attempt_graded(attempt.pk)

    assert receiver.verified == []
    assert receiver.rejected == ["No matching signature found"] * 8
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.tries) == (WebhookDeliveryStatus.FAILED, 8)


def test_events_outside_the_accounts_scope_or_subscription_are_not_sent(
    learner: User,
    other_learner: User,
    receiver: Receiver,
    scoped: dict[str, Any],
    django_capture_on_commit_callbacks,
) -> None:
    out_of_course = graded_attempt(learner, scoped["other_module"], slug="elsewhere")
    not_its_learner = graded_attempt(other_learner, scoped["module"], slug="quiz-2")

    with django_capture_on_commit_callbacks(execute=True):
        on_attempt_graded(out_of_course.pk)
        on_attempt_graded(not_its_learner.pk)
        on_certificate_revoked(999_999)

    assert receiver.verified == []
    assert WebhookDelivery.objects.count() == 0


def test_a_failing_receiver_is_retried_then_a_replay_sends_the_same_message(
    learner: User, receiver: Receiver, scoped: dict[str, Any], django_capture_on_commit_callbacks
) -> None:
    receiver.answers = [500, 503]
    attempt = graded_attempt(learner, scoped["module"])

    with django_capture_on_commit_callbacks(execute=True):
        on_attempt_graded(attempt.pk)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.tries) == (WebhookDeliveryStatus.DELIVERED, 3)
    assert len(receiver.verified) == 1

    # an administrator replays it from the admin's delivery list
    admin = Client()
    admin.force_login(User.objects.create_superuser(email="root@example.org", password="x" * 12))
    with django_capture_on_commit_callbacks(execute=True):
        replayed = admin.post(
            "/admin/lms/webhookdelivery/",
            {"action": "replay", "_selected_action": [delivery.pk]},
        )

    assert replayed.status_code == 302
    assert len(receiver.verified) == 2
    assert receiver.headers[1]["webhook-id"] == receiver.headers[0]["webhook-id"]
    assert receiver.verified[1] == receiver.verified[0]
    delivery.refresh_from_db()
    assert delivery.replays == 1


def test_a_subscription_needs_known_events_and_an_https_url(scoped: dict[str, Any]) -> None:
    with pytest.raises(WebhookError, match="Unknown"):
        webhook_subscribe(account_name="Moodle", url="https://lms.example/h", events=["x.y"])
    with pytest.raises(WebhookError, match="https"):
        webhook_subscribe(
            account_name="Moodle", url="http://lms.example/h", events=["attempt.graded"]
        )


def test_the_subscribe_command_prints_the_secret_once(scoped: dict[str, Any]) -> None:
    out = io.StringIO()

    call_command(
        "webhook_subscribe",
        "Moodle",
        url="https://lms.example/hooks",
        stdout=out,
        stderr=io.StringIO(),
    )

    secret = out.getvalue().splitlines()[-1]
    assert secret.startswith("whsec_")
    assert (
        Webhook(secret).sign("msg_1", __import__("datetime").datetime.now(), "{}").startswith("v1,")
    )
    assert json.loads("{}") == {}
