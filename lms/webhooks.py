"""Webhooks to service accounts, signed the Standard Webhooks way, retried, logged, replayable.

An event (attempt.graded, submission.graded, certificate.issued, certificate.revoked) about a
learner goes to every active subscription of every service account whose scope holds both the
learner and the course. Rows first: a delivery is stored, then enqueued after the commit; the
sweeper resends what a broker outage lost. Each message carries `webhook-id`,
`webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
`id.timestamp.body` under the subscription's secret), made by the `standardwebhooks` package.

Payloads are thin: ids, slugs and the API URL of the result. The result itself is read through
the API, which applies the review policy, so a webhook never shows a grade early.
"""

import base64
import ipaddress
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.models import User
from lms.models import (
    ExternalLearnerId,
    ServiceAccount,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from quayside import outbox

logger = logging.getLogger(__name__)

SECRET_PREFIX: Final = "whsec_"  # noqa: S105 - the scheme's prefix, not a secret
SECRET_BYTES: Final = 32
# Receivers answer quickly and do the work later; a slow one is treated as down.
USER_AGENT: Final = "Quayside-Webhooks/1"


class WebhookError(Exception):
    """A subscription cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class Subject:
    """What an event is about: the learner, the course module, and the event's own fields."""

    learner_id: int
    module_id: int
    key: str
    data: dict[str, Any]


@dataclass(frozen=True)
class IssuedSubscription:
    subscription: WebhookSubscription
    secret: str


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if parts.scheme == "https" or (parts.scheme == "http" and loopback):
        return
    raise WebhookError("A webhook URL must be https:// (http:// only to this machine).")


@transaction.atomic
def webhook_subscribe(*, account_name: str, url: str, events: list[str]) -> IssuedSubscription:
    """Subscribe a service account's URL to events; returns the secret, shown this once."""
    account = ServiceAccount.objects.filter(name=account_name).first()
    if account is None:
        raise WebhookError(f"No service account named {account_name!r}.")
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown or not events:
        raise WebhookError(
            f"Unknown or missing event types {unknown}; use {', '.join(WebhookEvent.values)}."
        )
    _check_url(url)
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
    subscription = WebhookSubscription.objects.create(
        account=account, url=url, secret=secret, events=sorted(set(events))
    )
    return IssuedSubscription(subscription=subscription, secret=secret)


def webhook_deliveries_record(*, event: WebhookEvent, subject: Subject) -> list[int]:
    """Store the event for every subscription whose account's scope holds it; new ids only."""
    subscriptions = WebhookSubscription.objects.filter(
        is_active=True,
        account__is_active=True,
        account__learners__pk=subject.learner_id,
        account__courses__modules__pk=subject.module_id,
    ).distinct()
    created: list[int] = []
    for subscription in subscriptions.select_related("account"):
        if str(event) not in subscription.events:
            continue
        external_id = (
            ExternalLearnerId.objects.filter(
                account=subscription.account, learner_id=subject.learner_id
            )
            .values_list("external_id", flat=True)
            .first()
        )
        message_id = f"msg_{uuid.uuid4().hex}"
        body = {
            "type": str(event),
            "timestamp": timezone.now().isoformat(),
            "data": {**subject.data, "learner": _learner(subject.learner_id, external_id)},
        }
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    subscription=subscription,
                    message_id=message_id,
                    event_type=event,
                    event_key=f"{event}:{subject.key}",
                    payload=json.dumps(body, separators=(",", ":"), sort_keys=True),
                    next_try_at=timezone.now(),
                )
        except IntegrityError:
            continue  # this event was recorded for this subscription before
        created.append(delivery.pk)
    return created


def _learner(learner_id: int, external_id: str | None) -> dict[str, Any]:
    email = User.objects.filter(pk=learner_id).values_list("email", flat=True).first()
    return {"id": learner_id, "email": email, "external_id": external_id}


def signed_headers(*, secret: str, message_id: str, sent_at: datetime, body: str) -> dict[str, str]:
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=sent_at, data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def webhook_delivery_send(*, delivery_id: int, now: datetime | None = None) -> int | None:
    """POST one delivery; returns seconds until a retry, or None when done (or not pending).

    Claimed, retried and failed by the outbox rule (`quayside.outbox`), so it is never sent twice
    at once. 2xx is delivered; any other answer, or none, counts as transient (receivers may
    be down or redeploying, and Standard Webhooks senders retry them all) until MAX_TRIES.
    """
    now = now or timezone.now()
    if not outbox.delivery_claim(WebhookDelivery, delivery_id=delivery_id, now=now):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    headers = signed_headers(
        secret=subscription.secret,
        message_id=delivery.message_id,
        sent_at=now,
        body=delivery.payload,
    )
    code: int | None = None
    try:
        response = requests.post(
            subscription.url,
            data=delivery.payload.encode(),
            headers=headers,
            timeout=settings.LMS_HTTP_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        code = response.status_code
        error = "" if response.ok else f"HTTP {code}: {response.text[:500]}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"
    if error:
        return outbox.delivery_failed(
            delivery, error=error, status_code=code, transient=True, now=now
        )
    outbox.delivery_done(WebhookDelivery, delivery_id=delivery.pk, status_code=code, now=now)
    logger.info("webhook %s delivered to %s", delivery.message_id, subscription.url)
    return None
