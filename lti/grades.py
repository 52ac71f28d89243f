"""Scores back to LMS gradebooks (LTI AGS): recorded once per result, sent by a retried task.

A result (an exam's, a practical's, a certificate's) becomes one `GradeDelivery` per placement
of its target that the learner launched from. Deliveries are unique per (link, learner, result
version), so hearing of a result twice sends it once. The database is the source of truth: a
delivery whose task message was lost (a broker outage) is picked up again by the sweeper.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import requests
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from lti_tool.models import LtiMembership
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

from lti.content import SCORE_MAXIMUM, Result, target_get
from lti.models import DeliveryStatus, GradeDelivery, LtiLink
from lti.platform_services import ags_for

logger = logging.getLogger(__name__)

MAX_TRIES: Final = 8
# 30 s, 1 min, 2 min, ... capped at an hour: a platform down for a maintenance window recovers.
FIRST_BACKOFF_SECONDS: Final = 30
MAX_BACKOFF_SECONDS: Final = 3600
# A delivery "sending" for longer than this lost its worker; one "pending" past its next try
# for longer than this lost its task message. The sweeper re-enqueues both.
STUCK_AFTER: Final = timedelta(minutes=5)
SWEEP_BATCH: Final = 200
# HTTP statuses after which trying again can help.
TRANSIENT_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})
ERROR_TEXT_LIMIT: Final = 2000


@dataclass(frozen=True)
class SendOutcome:
    status: DeliveryStatus
    retry_in_seconds: int | None = None


def backoff_seconds(tries: int) -> int:
    return int(min(FIRST_BACKOFF_SECONDS * 2 ** max(tries - 1, 0), MAX_BACKOFF_SECONDS))


def grade_deliveries_record(*, kind: str, slug: str, learner_id: int, result: Result) -> list[int]:
    """Record the result for every placement of the target the learner launched from.

    Returns the ids of deliveries created now (an already recorded result version adds none).
    """
    platform_user = LtiMembership.objects.filter(
        context_id=OuterRef("resource_link__context_id"),
        user__auth_user_id=learner_id,
        is_active=True,
    ).values("user__sub")[:1]
    links = (
        LtiLink.objects.filter(target_kind=kind, target_slug=slug)
        .annotate(platform_user_id=Subquery(platform_user))
        .filter(platform_user_id__isnull=False)
    )
    created: list[int] = []
    for link in links:
        try:
            with transaction.atomic():
                delivery = GradeDelivery.objects.create(
                    link=link,
                    learner_id=learner_id,
                    platform_user_id=link.platform_user_id,
                    result_version=result.version,
                    score_given=result.score_given,
                    score_maximum=result.score_maximum,
                    activity_progress=result.activity_progress,
                    grading_progress=result.grading_progress,
                    comment=result.comment,
                    result_at=result.reached_at,
                    next_try_at=timezone.now(),
                )
        except IntegrityError:
            continue  # this version of the result was recorded before
        created.append(delivery.pk)
        logger.info(
            "grade delivery %s recorded: link %s, learner %s, %s/%s",
            delivery.pk,
            link.pk,
            learner_id,
            result.score_given,
            result.score_maximum,
        )
    return created


def grade_delivery_send(*, delivery_id: int, now: datetime | None = None) -> SendOutcome | None:
    """Send one delivery's score to the platform; None when it was not waiting to be sent.

    Claimed with a conditional update (pending -> sending), so two workers never send it twice.
    Transient failures (network, 429, 5xx) go back to pending with a backoff until MAX_TRIES;
    anything else, or the last try, marks it failed with the platform's answer kept.
    """
    now = now or timezone.now()
    claimed = GradeDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, tries=F("tries") + 1, updated_at=now
    )
    if not claimed:
        return None
    delivery = GradeDelivery.objects.select_related(
        "link__resource_link__context__deployment__registration"
    ).get(pk=delivery_id)
    try:
        _post_score(delivery)
    except LtiServiceException as error:
        code = error.response.status_code
        return _failed(delivery, str(error), code, transient=code in TRANSIENT_STATUSES, now=now)
    except requests.RequestException as error:
        return _failed(delivery, f"{type(error).__name__}: {error}", None, transient=True, now=now)
    except LtiException as error:
        return _failed(delivery, str(error), None, transient=False, now=now)
    GradeDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=now,
        last_status_code=None,
        last_error="",
        next_try_at=None,
        updated_at=now,
    )
    logger.info("grade delivery %s sent (try %s)", delivery.pk, delivery.tries)
    return SendOutcome(status=DeliveryStatus.SENT)


def _post_score(delivery: GradeDelivery) -> None:
    link = delivery.link
    context = link.resource_link.context
    if not context.can_publish_scores:
        raise LtiException("The platform did not grant this course the AGS score scope.")
    lineitem_url = link.lineitem_url or _lineitem_create(link)
    grade = (
        Grade()
        .set_score_given(float(delivery.score_given))
        .set_score_maximum(float(delivery.score_maximum))
        .set_activity_progress(delivery.activity_progress)
        .set_grading_progress(delivery.grading_progress)
        .set_timestamp(delivery.result_at.isoformat())
        .set_user_id(delivery.platform_user_id)
    )
    if delivery.comment:
        grade.set_comment(delivery.comment)
    ags = ags_for(context, lineitem_url=lineitem_url)
    ags.put_grade(grade, LineItem({"id": lineitem_url}))


def _lineitem_create(link: LtiLink) -> str:
    """Find or create the placement's line item (one per resource link) and remember it."""
    context = link.resource_link.context
    if not context.lineitems_url:
        raise LtiException(
            "The platform gave no line item for this placement and no way to add one."
        )
    target = target_get(kind=link.target_kind, slug=link.target_slug)
    wanted = LineItem(
        {
            "scoreMaximum": int(SCORE_MAXIMUM),
            "label": target.title if target else link.target_slug,
            "resourceId": f"{link.target_kind}:{link.target_slug}",
            "resourceLinkId": link.resource_link.id_on_platform,
        }
    )
    found = ags_for(context).find_or_create_lineitem(wanted, find_by="resource_link_id")
    url = found.get_id()
    if not url:
        raise LtiException("The platform answered a line item without an id.")
    LtiLink.objects.filter(pk=link.pk).update(lineitem_url=url, updated_at=timezone.now())
    link.lineitem_url = url
    return url


def _failed(
    delivery: GradeDelivery, error: str, code: int | None, *, transient: bool, now: datetime
) -> SendOutcome:
    retry = transient and delivery.tries < MAX_TRIES
    delay = backoff_seconds(delivery.tries) if retry else None
    status = DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED
    GradeDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        last_status_code=code,
        last_error=error[:ERROR_TEXT_LIMIT],
        next_try_at=now + timedelta(seconds=delay) if delay is not None else None,
        updated_at=now,
    )
    logger.warning(
        "grade delivery %s try %s failed (%s): %s", delivery.pk, delivery.tries, code, error
    )
    return SendOutcome(status=status, retry_in_seconds=delay)


@transaction.atomic
def grade_delivery_resend(*, delivery_id: int) -> bool:
    """Queue a delivery again at an instructor's request (sent or failed); True if queued."""
    resent = GradeDelivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED]
    ).update(
        status=DeliveryStatus.PENDING,
        resends=F("resends") + 1,
        tries=0,
        next_try_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return bool(resent)


def grade_deliveries_due(*, now: datetime | None = None) -> list[int]:
    """Deliveries whose task was lost: pending past their next try, or sending for too long."""
    now = now or timezone.now()
    stale = now - STUCK_AFTER
    GradeDelivery.objects.filter(status=DeliveryStatus.SENDING, updated_at__lt=stale).update(
        status=DeliveryStatus.PENDING, next_try_at=now, updated_at=now
    )
    due = GradeDelivery.objects.filter(status=DeliveryStatus.PENDING).filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lt=stale)
    )
    return list(due.order_by("next_try_at").values_list("pk", flat=True)[:SWEEP_BATCH])
