"""Celery tasks of the lms app (webhook deliveries). Thin: ids in, a service call, a reschedule."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from lms.models import WebhookDelivery
from lms.webhooks import webhook_delivery_send
from quayside import outbox
from quayside.enqueue import send_now

SEND_SOFT_TIME_LIMIT_SECONDS = 60
SEND_TIME_LIMIT_SECONDS = 90
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRIES = 5


@shared_task(
    name="lms.send_webhook",
    soft_time_limit=SEND_SOFT_TIME_LIMIT_SECONDS,
    time_limit=SEND_TIME_LIMIT_SECONDS,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=DATABASE_RETRIES,
    ignore_result=True,
)
def send_webhook(delivery_id: int) -> None:
    """Send one webhook delivery; idempotent (a delivery no longer pending is left alone).

    A receiver's failures are retried on the delivery's own backoff schedule (kept in its row).
    """
    retry_in = webhook_delivery_send(delivery_id=delivery_id)
    if retry_in is not None:
        send_webhook.apply_async((delivery_id,), countdown=retry_in)


@shared_task(
    name="lms.sweep_webhook_deliveries",
    soft_time_limit=SEND_SOFT_TIME_LIMIT_SECONDS,
    time_limit=SEND_TIME_LIMIT_SECONDS,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=DATABASE_RETRIES,
    ignore_result=True,
)
def sweep_webhook_deliveries() -> int:
    """Enqueue deliveries whose message was lost (a broker outage) or whose worker died."""
    due = outbox.deliveries_due(WebhookDelivery)
    for delivery_id in due:
        send_now(send_webhook, delivery_id)
    return len(due)
