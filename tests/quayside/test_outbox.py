"""quayside.outbox, the one rule of outbound deliveries, seen through both of its channels: the LMS
webhooks (`lms.WebhookDelivery`, sent by `webhook_delivery_send`) and the LTI grades
(`lti.GradeDelivery`, sent by `grade_delivery_send`). Every test runs once per channel, against a
local receiver: the webhook endpoint, or the platform's token and score endpoints."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from celery import Task
from django.utils import timezone
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration, LtiResourceLink

from accounts.models import User
from lms.models import ServiceAccount, WebhookDelivery
from lms.tasks import sweep_webhook_deliveries
from lms.webhooks import webhook_delivery_send, webhook_subscribe
from lti.grades import grade_delivery_send
from lti.models import GradeDelivery, LtiLink, TargetKind
from lti.tasks import sweep_grade_deliveries
from quayside import outbox
from quayside.celery import app as celery_app
from tests.local_http import serving_posts

pytestmark = pytest.mark.django_db

# Later than any row a test records now: the tests move through time from here.
T0 = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)


@dataclass
class Receiver:
    """Answers each POST with the next of `answers`, then with success; counts what it got."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def answer(self, path: str) -> tuple[int, bytes]:
        self.paths.append(path)
        if self.answers:
            return self.answers.pop(0), b"{}"
        if path.endswith("/token"):
            return 200, b'{"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600}'
        return 200, b"{}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    with serving_posts(lambda path, body, headers: state.answer(path)) as url:
        state.url = url
        yield state


@dataclass(frozen=True)
class Channel:
    """One outbox: its model, its send service (seconds until a retry, or None) and sweeper."""

    model: type[outbox.Delivery]
    send: Callable[[int, datetime], int | None]
    sweeper: Task
    # Whether a receiver's refusal (403) ends the delivery at once or is tried again.
    refusal_is_final: bool
    record: Callable[[], int]


def _webhooks(receiver: Receiver) -> Channel:
    ServiceAccount.objects.create(name="Moodle", token_hash="0" * 64, token_prefix="0" * 8)
    subscription = webhook_subscribe(
        account_name="Moodle", url=f"{receiver.url}/hooks", events=["attempt.graded"]
    ).subscription
    keys = iter(range(1, 100))

    def record() -> int:
        key = next(keys)
        return WebhookDelivery.objects.create(
            subscription=subscription,
            message_id=f"msg_{key}",
            event_type="attempt.graded",
            event_key=f"attempt.graded:attempt-{key}",
            payload="{}",
            next_try_at=timezone.now(),
        ).pk

    return Channel(
        model=WebhookDelivery,
        send=lambda pk, now: webhook_delivery_send(delivery_id=pk, now=now),
        sweeper=sweep_webhook_deliveries,
        # Standard Webhooks: a receiver's every failure is tried again.
        refusal_is_final=False,
        record=record,
    )


def _grades(receiver: Receiver, learner: User) -> Channel:
    registration = LtiRegistration.objects.create(
        name="LMS",
        issuer="https://lms.example.edu",
        client_id="quayside",
        auth_url=f"{receiver.url}/auth",
        token_url=f"{receiver.url}/token",
        keyset_url=f"{receiver.url}/jwks",
    )
    deployment = LtiDeployment.objects.create(
        registration=registration, deployment_id="d-1", is_active=True
    )
    context = LtiContext.objects.create(
        deployment=deployment, id_on_platform="course-1", can_publish_scores=True
    )
    link = LtiLink.objects.create(
        resource_link=LtiResourceLink.objects.create(context=context, id_on_platform="rl-1"),
        target_kind=TargetKind.ASSESSMENT,
        target_slug="quiz",
        lineitem_url=f"{receiver.url}/lineitems/1",
    )
    versions = iter(range(1, 100))

    def record() -> int:
        return GradeDelivery.objects.create(
            link=link,
            learner=learner,
            platform_user_id="sub-1",
            result_version=f"v{next(versions)}",
            score_given=Decimal(7),
            score_maximum=Decimal(10),
            activity_progress="Completed",
            grading_progress="FullyGraded",
            result_at=timezone.now(),
            next_try_at=timezone.now(),
        ).pk

    def send(pk: int, now: datetime) -> int | None:
        outcome = grade_delivery_send(delivery_id=pk, now=now)
        return outcome.retry_in_seconds if outcome else None

    return Channel(
        model=GradeDelivery,
        send=send,
        sweeper=sweep_grade_deliveries,
        refusal_is_final=True,
        record=record,
    )


@pytest.fixture(params=["webhooks", "grades"])
def channel(
    request: pytest.FixtureRequest,
    receiver: Receiver,
    learner: User,
    settings: Any,
    tmp_path: Path,
) -> Iterator[Channel]:
    settings.LTI_KEY_DIR = tmp_path / "lti-keys"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield _webhooks(receiver) if request.param == "webhooks" else _grades(receiver, learner)
    celery_app.conf.task_always_eager = eager


def _row(channel: Channel, pk: int) -> outbox.Delivery:
    return channel.model._default_manager.get(pk=pk)


def _resends(channel: Channel, pk: int) -> int:
    count: int = getattr(_row(channel, pk), channel.model.resends_field)
    return count


def test_the_backoff_doubles_from_thirty_seconds_and_stops_at_an_hour() -> None:
    waits = [outbox.backoff_seconds(tries) for tries in range(1, 10)]

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_only_a_transient_failure_is_tried_again_and_never_past_the_last_try() -> None:
    assert outbox.retry_in_seconds(tries=1, transient=True) == 30
    assert outbox.retry_in_seconds(tries=1, transient=False) is None
    assert outbox.retry_in_seconds(tries=outbox.MAX_TRIES - 1, transient=True) == 1920
    assert outbox.retry_in_seconds(tries=outbox.MAX_TRIES, transient=True) is None


def test_a_receiver_that_stays_down_is_tried_on_the_backoff_and_the_last_try_fails(
    channel: Channel, receiver: Receiver
) -> None:
    # given a receiver that answers 503 to every try
    pk = channel.record()
    receiver.answers = [503] * outbox.MAX_TRIES

    # when the task sends it each time its backoff says
    waits: list[int | None] = []
    now = T0
    for _ in range(outbox.MAX_TRIES):
        waits.append(channel.send(pk, now))
        row = _row(channel, pk)
        assert row.next_try_at == (now + timedelta(seconds=waits[-1]) if waits[-1] else None)
        now += timedelta(seconds=waits[-1] or 0)

    # then
    assert waits == [30, 60, 120, 240, 480, 960, 1920, None]
    row = _row(channel, pk)
    assert (row.status, row.tries, row.last_status_code) == (outbox.FAILED, outbox.MAX_TRIES, 503)
    assert "503" in row.last_error
    assert channel.send(pk, now) is None  # failed: a late task message sends nothing
    assert len(receiver.paths) == outbox.MAX_TRIES


def test_a_transient_failure_is_retried_and_a_refusal_as_its_channel_says(
    channel: Channel, receiver: Receiver
) -> None:
    unavailable, refused = channel.record(), channel.record()
    receiver.answers = [503, 403]

    assert channel.send(unavailable, T0) == outbox.FIRST_BACKOFF_SECONDS
    refused_wait = channel.send(refused, T0)

    assert _row(channel, unavailable).status == outbox.PENDING
    row = _row(channel, refused)
    if channel.refusal_is_final:
        assert (refused_wait, row.status, row.tries) == (None, outbox.FAILED, 1)
    else:
        assert (refused_wait, row.status) == (outbox.FIRST_BACKOFF_SECONDS, outbox.PENDING)
    assert row.last_status_code == 403
    # the next try of the one that was unavailable goes through
    assert channel.send(unavailable, T0 + timedelta(seconds=30)) is None
    done = _row(channel, unavailable)
    assert (done.status, done.tries, done.last_error) == (channel.model.done_status, 2, "")
    assert getattr(done, channel.model.done_at_field) == T0 + timedelta(seconds=30)


@pytest.mark.parametrize("transient", [True, False])
def test_a_recorded_failure_is_pending_again_only_when_transient(
    channel: Channel, transient: bool
) -> None:
    pk = channel.record()
    assert outbox.delivery_claim(channel.model, delivery_id=pk, now=T0)

    wait = outbox.delivery_failed(
        _row(channel, pk), error="x" * 5000, status_code=None, transient=transient, now=T0
    )

    row = _row(channel, pk)
    assert (row.status, wait) == ((outbox.PENDING, 30) if transient else (outbox.FAILED, None))
    assert len(row.last_error) == outbox.ERROR_TEXT_LIMIT


def test_a_delivery_whose_worker_died_is_put_back_and_the_sweeper_sends_it(
    channel: Channel,
) -> None:
    # given: one delivery claimed by a worker that died, one waiting for its backoff
    stuck, waiting = channel.record(), channel.record()
    assert outbox.delivery_claim(channel.model, delivery_id=stuck, now=T0)
    channel.model._default_manager.filter(pk=waiting).update(next_try_at=T0 + timedelta(minutes=20))

    # when the sweeper looks before and after STUCK_AFTER
    early = outbox.deliveries_due(channel.model, now=T0 + timedelta(minutes=4))
    put_back_at = T0 + outbox.STUCK_AFTER + timedelta(minutes=1)
    just_put_back = outbox.deliveries_due(channel.model, now=put_back_at)

    # then: it waits out STUCK_AFTER, puts the stuck one back, and lists it once overdue
    assert (early, just_put_back) == ([], [])
    row = _row(channel, stuck)
    assert (row.status, row.next_try_at, row.tries) == (outbox.PENDING, put_back_at, 1)
    with time_machine.travel(put_back_at + outbox.STUCK_AFTER + timedelta(seconds=1), tick=False):
        assert outbox.deliveries_due(channel.model) == [stuck]
        assert channel.sweeper() == 1

    row = _row(channel, stuck)
    assert (row.status, row.tries) == (channel.model.done_status, 2)
    assert _row(channel, waiting).status == outbox.PENDING  # left to its own task


def test_a_done_or_failed_delivery_can_be_resent_and_a_pending_one_cannot(
    channel: Channel,
) -> None:
    done, failed, pending = channel.record(), channel.record(), channel.record()
    assert channel.send(done, T0) is None
    channel.model._default_manager.filter(pk=failed).update(
        status=outbox.FAILED, tries=outbox.MAX_TRIES, next_try_at=None
    )

    resent = [
        outbox.delivery_resend(channel.model, delivery_id=pk, now=T0 + timedelta(hours=1))
        for pk in (done, failed, pending)
    ]

    assert resent == [True, True, False]
    for pk in (done, failed):
        row = _row(channel, pk)
        assert (row.status, row.tries, row.next_try_at) == (
            outbox.PENDING,
            0,
            T0 + timedelta(hours=1),
        )
        assert _resends(channel, pk) == 1
    assert _resends(channel, pending) == 0
    # a resent delivery is sent again, with a fresh count of tries
    assert channel.send(failed, T0 + timedelta(hours=1)) is None
    row = _row(channel, failed)
    assert (row.status, row.tries) == (channel.model.done_status, 1)
