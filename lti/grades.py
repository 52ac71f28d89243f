"""Scores back to LMS gradebooks (LTI AGS): recorded once per result, sent by a retried task.

A result (an exam's, a practical's, a certificate's) becomes one `GradeDelivery` per placement
of its target that the learner launched from. Deliveries are unique per (link, learner, result
version), so hearing of a result twice sends it once. The database is the source of truth: a
delivery whose task message was lost (a broker outage) is picked up again by the sweeper.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import requests
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from lti_tool.models import LtiMembership
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

from lti.content import SCORE_MAXIMUM, Result, target_get
from lti.models import DeliveryStatus, GradeDelivery, LtiLink
from lti.platform_services import ags_for
from quayside import outbox

logger = logging.getLogger(__name__)

# HTTP statuses after which trying again can help.
TRANSIENT_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SendOutcome:
    status: DeliveryStatus
    retry_in_seconds: int | None = None


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

    Claimed, retried and failed by the outbox rule (`quayside.outbox`), so two workers never send
    it twice. Transient failures (network, 429, 5xx) are tried again until MAX_TRIES; anything
    else fails it at once, with the platform's answer kept.
    """
    now = now or timezone.now()
    if not outbox.delivery_claim(GradeDelivery, delivery_id=delivery_id, now=now):
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
    outbox.delivery_done(GradeDelivery, delivery_id=delivery.pk, status_code=None, now=now)
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
    delay = outbox.delivery_failed(
        delivery, error=error, status_code=code, transient=transient, now=now
    )
    if delay is None:
        return SendOutcome(status=DeliveryStatus.FAILED)
    return SendOutcome(status=DeliveryStatus.PENDING, retry_in_seconds=delay)
