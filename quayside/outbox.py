"""Outboxes: a message to another system, stored as a row first and sent by a retried task.

Every outbound delivery (the LMS webhooks, `lms.WebhookDelivery`; the LTI grades,
`lti.GradeDelivery`) follows the one rule kept here:

- it is recorded `pending` in the transaction that made the change, and enqueued after the commit;
- a worker claims it with a conditional update (pending -> sending, one more try), so two workers
  never send it at once;
- it ends done (the app names that state: "delivered", "sent") or, on a failure, goes back to
  pending after a capped exponential backoff while the failure is transient and tries remain,
  and is failed otherwise (the last try, or a refusal that trying again cannot mend);
- a person may send a done or failed delivery again (`delivery_resend`);
- a sweeper (`deliveries_due`) puts back what a lost worker left `sending` and lists what a lost
  task message left `pending`.

Each app keeps only what differs: its payload, how it sends and which failures are transient,
the name of its done state and of the fields recording it (`Delivery.done_status`, ...).
"""

import logging
from datetime import datetime, timedelta
from typing import ClassVar, Final

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# Stored status values every outbox shares; the done state's value is each model's own.
PENDING: Final = "pending"
SENDING: Final = "sending"
FAILED: Final = "failed"
STATUS_MAX_LENGTH: Final = 16

MAX_TRIES: Final = 8
# 30 s, 1 min, 2 min, ... capped at an hour: a receiver down for a maintenance window recovers.
FIRST_BACKOFF_SECONDS: Final = 30
MAX_BACKOFF_SECONDS: Final = 3600
# A delivery "sending" for longer than this lost its worker; one "pending" past its next try
# for longer than this lost its task message. The sweeper puts both back.
STUCK_AFTER: Final = timedelta(minutes=5)
SWEEP_BATCH: Final = 200
# Enough of a receiver's answer to see why it refused, not a whole error page.
ERROR_TEXT_LIMIT: Final = 2000


def status_field(choices: type[models.TextChoices]) -> models.CharField:
    """A delivery's `status` column, with its app's choices (PENDING, SENDING, FAILED and the
    app's done state, stored under the values above)."""
    return models.CharField(max_length=STATUS_MAX_LENGTH, choices=choices.choices, default=PENDING)


def due_index() -> models.Index:
    """The index the sweeper's query runs on (a new one for each model: it is named after it)."""
    return models.Index(fields=["status", "next_try_at"])


class Delivery(models.Model):
    """The lifecycle columns of one outbound delivery; a concrete model adds its payload, gives
    `status` its choices, and names its done state and the fields that record it."""

    # The stored value of the done state ("delivered", "sent").
    done_status: ClassVar[str]
    # The field set to the time the delivery was done.
    done_at_field: ClassVar[str]
    # The field counting the times a person sent it again.
    resends_field: ClassVar[str]

    # Each concrete model declares it again with its choices: `status = status_field(...)`.
    status = models.CharField(max_length=STATUS_MAX_LENGTH, default=PENDING)
    tries = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def backoff_seconds(tries: int) -> int:
    """The wait after the `tries`-th failed try: doubling from FIRST_BACKOFF_SECONDS, capped."""
    return int(min(FIRST_BACKOFF_SECONDS * 2 ** max(tries - 1, 0), MAX_BACKOFF_SECONDS))


def retry_in_seconds(*, tries: int, transient: bool) -> int | None:
    """After a failed try: seconds until the next one, or None when the delivery has failed.

    Only a transient failure is tried again, and never past MAX_TRIES.
    """
    if transient and tries < MAX_TRIES:
        return backoff_seconds(tries)
    return None


def delivery_claim(model: type[Delivery], *, delivery_id: int, now: datetime) -> bool:
    """Claim a pending delivery for sending (pending -> sending, one more try); False, logged,
    when it is not pending (done, being sent by another worker, or deleted)."""
    claimed = model._default_manager.filter(pk=delivery_id, status=PENDING).update(
        status=SENDING, tries=F("tries") + 1, updated_at=now
    )
    if not claimed:
        logger.info("%s %s is not pending (done, sending or deleted)", model.__name__, delivery_id)
    return bool(claimed)


def delivery_done(
    model: type[Delivery], *, delivery_id: int, status_code: int | None, now: datetime
) -> None:
    """Record that the receiver accepted the delivery: the model's done state, for good."""
    model._default_manager.filter(pk=delivery_id).update(
        status=model.done_status,
        **{model.done_at_field: now},
        last_status_code=status_code,
        last_error="",
        next_try_at=None,
        updated_at=now,
    )


def delivery_failed(
    delivery: Delivery, *, error: str, status_code: int | None, transient: bool, now: datetime
) -> int | None:
    """Record a failed try of a claimed delivery; returns the seconds until it is tried again,
    or None when it is now failed (see `retry_in_seconds`)."""
    delay = retry_in_seconds(tries=delivery.tries, transient=transient)
    type(delivery)._default_manager.filter(pk=delivery.pk).update(
        status=PENDING if delay is not None else FAILED,
        last_status_code=status_code,
        last_error=error[:ERROR_TEXT_LIMIT],
        next_try_at=now + timedelta(seconds=delay) if delay is not None else None,
        updated_at=now,
    )
    logger.warning(
        "%s %s try %s failed (%s): %s",
        type(delivery).__name__,
        delivery.pk,
        delivery.tries,
        status_code,
        error,
    )
    return delay


def delivery_resend(
    model: type[Delivery], *, delivery_id: int, now: datetime | None = None
) -> bool:
    """Queue a done or failed delivery again, unchanged (same id and body), with its tries
    reset; True if queued. The caller enqueues its send after the commit."""
    now = now or timezone.now()
    resent = model._default_manager.filter(
        pk=delivery_id, status__in=[model.done_status, FAILED]
    ).update(
        status=PENDING,
        **{model.resends_field: F(model.resends_field) + 1},
        tries=0,
        next_try_at=now,
        updated_at=now,
    )
    return bool(resent)


def deliveries_due(model: type[Delivery], *, now: datetime | None = None) -> list[int]:
    """Deliveries whose task was lost, oldest first (at most SWEEP_BATCH) for the sweeper to send.

    First puts back to pending, due now, those `sending` for longer than STUCK_AFTER (their
    worker died); then lists those pending past their next try by more than STUCK_AFTER (their
    message was lost). So a delivery waiting for its backoff is left to the task that will send
    it, and one put back here is listed by a sweep once it too is that overdue.
    """
    now = now or timezone.now()
    stale = now - STUCK_AFTER
    model._default_manager.filter(status=SENDING, updated_at__lt=stale).update(
        status=PENDING, next_try_at=now, updated_at=now
    )
    due = model._default_manager.filter(status=PENDING).filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lt=stale)
    )
    return list(due.order_by("next_try_at").values_list("pk", flat=True)[:SWEEP_BATCH])
