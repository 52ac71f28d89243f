"""Celery tasks of the certificates queue. Thin: they take ids, load, and call a service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from certificates.services.evaluations import (
    certification_evaluation_run,
    certification_evaluations_sweep,
)
from certificates.services.pdf import certificate_pdf_render

# Evaluation reads a few results and signs at most one credential per program (~10 ms each).
EVALUATE_SOFT_TIME_LIMIT_SECONDS = 60
EVALUATE_TIME_LIMIT_SECONDS = 90
# A PDF renders in well under a second; the margin covers a slow shared volume.
RENDER_SOFT_TIME_LIMIT_SECONDS = 60
RENDER_TIME_LIMIT_SECONDS = 90
# The sweep reads and updates a few marker rows.
SWEEP_SOFT_TIME_LIMIT_SECONDS = 50
SWEEP_TIME_LIMIT_SECONDS = 55
# Only a lost or refused database connection is worth retrying; anything else is a bug.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_RETRIES = 5


@shared_task(
    name="certificates.evaluate_learner",
    soft_time_limit=EVALUATE_SOFT_TIME_LIMIT_SECONDS,
    time_limit=EVALUATE_TIME_LIMIT_SECONDS,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def evaluate_learner_certifications(learner_id: int) -> int:
    """Issue every certificate the learner now qualifies for; return how many were issued.

    Idempotent: the database allows one active certificate per learner and program, so a
    duplicate or concurrent run issues nothing more.
    """
    return certification_evaluation_run(learner_id=learner_id)


@shared_task(
    name="certificates.sweep_pending_evaluations",
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT_SECONDS,
    time_limit=SWEEP_TIME_LIMIT_SECONDS,
    ignore_result=True,
)
def sweep_pending_evaluations() -> int:
    """Resend evaluations whose message was lost (broker down, worker died). Idempotent."""
    return len(certification_evaluations_sweep())


@shared_task(
    name="certificates.render_pdf",
    soft_time_limit=RENDER_SOFT_TIME_LIMIT_SECONDS,
    time_limit=RENDER_TIME_LIMIT_SECONDS,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def render_certificate_pdf(certificate_id: int) -> None:
    """Render and store the certificate's PDF once; a second run finds it stored."""
    certificate_pdf_render(certificate_id=certificate_id)
