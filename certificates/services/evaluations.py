"""Pending certificate evaluations: requested with a grade, done by a task, swept when stuck.

`certification_evaluation_request` is what a graded attempt or submission triggers, inside the
grading transaction; `certification_evaluation_run` is what the Celery task calls;
`certification_evaluations_sweep` resends evaluations whose message never got through.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from certificates.models import PendingEvaluation
from certificates.services.issuance import certifications_evaluate_for_learner
from quayside.enqueue import enqueue_after_commit

logger = logging.getLogger(__name__)


def _enqueue(learner_id: int) -> None:
    from certificates.tasks import evaluate_learner_certifications

    enqueue_after_commit(evaluate_learner_certifications, learner_id)


def certification_evaluation_request(*, learner_id: int, now: datetime | None = None) -> None:
    """Record that the learner's certifications must be evaluated, and send the job on commit.

    Call it in the transaction that changed the learner's standing: the marker is kept exactly
    when that change is. Idempotent: one marker per learner, its request time moved forward.
    """
    now = now or timezone.now()
    PendingEvaluation.objects.update_or_create(
        learner_id=learner_id, defaults={"requested_at": now, "enqueued_at": now}
    )
    _enqueue(learner_id)


def certification_evaluation_run(*, learner_id: int) -> int:
    """Evaluate the learner's certifications; returns how many certificates were issued.

    Clears the learner's marker unless a newer request arrived while this ran (that one's job
    evaluates again). Safe to run twice: issuance allows one active certificate per program.
    """
    started = timezone.now()
    issued = certifications_evaluate_for_learner(learner_id=learner_id)
    PendingEvaluation.objects.filter(learner_id=learner_id, requested_at__lte=started).delete()
    return len(issued)


def certification_evaluations_sweep(*, now: datetime | None = None) -> list[int]:
    """Resend evaluations still pending CERTIFICATE_EVALUATION_STUCK_AFTER_SECONDS after they
    were last sent; returns the learner ids. Idempotent (each resend moves `enqueued_at`)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CERTIFICATE_EVALUATION_STUCK_AFTER_SECONDS)
    stuck = Q(enqueued_at__lt=cutoff)
    learner_ids = list(PendingEvaluation.objects.filter(stuck).values_list("learner_id", flat=True))
    resent = [
        learner_id
        for learner_id in learner_ids
        if PendingEvaluation.objects.filter(stuck, learner_id=learner_id).update(enqueued_at=now)
    ]
    for learner_id in resent:
        _enqueue(learner_id)
    if resent:
        logger.warning("certificate sweeper: resent the evaluation of learners %s", resent)
    return resent
