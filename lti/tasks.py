"""Celery tasks of the lti app. Thin: they take ids, call a service, and reschedule on backoff."""

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from lti.grades import grade_delivery_send
from lti.models import GradeDelivery
from lti.protocol import used_nonces_forget
from lti.roster import links_results_refresh
from quayside import outbox
from quayside.enqueue import send_now

# One score POST (plus a token request and perhaps a line item) within the HTTP timeout each.
SEND_SOFT_TIME_LIMIT_SECONDS = 60
SEND_TIME_LIMIT_SECONDS = 90
SWEEP_SOFT_TIME_LIMIT_SECONDS = 60
SWEEP_TIME_LIMIT_SECONDS = 90
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRIES = 5


@shared_task(
    bind=True,
    name="lti.send_grade",
    soft_time_limit=SEND_SOFT_TIME_LIMIT_SECONDS,
    time_limit=SEND_TIME_LIMIT_SECONDS,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=DATABASE_RETRIES,
    ignore_result=True,
)
def send_grade(self: Any, delivery_id: int) -> str | None:
    """Send one grade delivery. Idempotent: a delivery no longer pending is left alone.

    The platform's own transient failures are retried on the delivery's backoff schedule (the
    row keeps the count), not through Celery's retry counter.
    """
    outcome = grade_delivery_send(delivery_id=delivery_id)
    if outcome is None:
        return None
    if outcome.retry_in_seconds is not None:
        send_grade.apply_async((delivery_id,), countdown=outcome.retry_in_seconds)
    return str(outcome.status)


@shared_task(
    name="lti.sweep_grade_deliveries",
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT_SECONDS,
    time_limit=SWEEP_TIME_LIMIT_SECONDS,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=DATABASE_RETRIES,
    ignore_result=True,
)
def sweep_grade_deliveries() -> int:
    """Enqueue deliveries whose message was lost; forget spent launch nonces that expired."""
    used_nonces_forget()
    due = outbox.deliveries_due(GradeDelivery)
    for delivery_id in due:
        send_now(send_grade, delivery_id)
    return len(due)


@shared_task(
    name="lti.refresh_results",
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT_SECONDS * 5,
    time_limit=SWEEP_TIME_LIMIT_SECONDS * 5,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=DATABASE_RETRIES,
    ignore_result=True,
)
def refresh_results() -> int:
    """Record results that became visible without an event (an exam's results after it closes).

    Idempotent: a result already recorded adds nothing. Bounded by REFRESH_LINKS_PER_RUN, the
    links least recently refreshed first.
    """
    created = links_results_refresh()
    for delivery_id in created:
        send_now(send_grade, delivery_id)
    return len(created)
