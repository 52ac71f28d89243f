"""Celery tasks of practical grading: thin wrappers that take ids and call services."""

import logging
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings

from graders.cache import DEFAULT_CACHE
from graders.sandbox.scope import janitor
from practicals.engine import docker_client
from practicals.grading import build_cache
from practicals.services.grading import GradeAction, submission_grade
from practicals.services.jobs import submissions_sweep_stuck

logger = logging.getLogger(__name__)

# The harness's own deadline, beyond the pipeline's per-task time budget (which loading checks
# stays under LONGEST_JOB_SECONDS): soft first, so the job is released for a retry; hard 30 s on.
GRADE_SOFT_TIME_LIMIT_SECONDS = settings.LONGEST_JOB_SECONDS
GRADE_TIME_LIMIT_SECONDS = settings.LONGEST_JOB_SECONDS + 30
SWEEP_SOFT_TIME_LIMIT_SECONDS = 50
SWEEP_TIME_LIMIT_SECONDS = 55
JANITOR_SOFT_TIME_LIMIT_SECONDS = 240
JANITOR_TIME_LIMIT_SECONDS = 270


@shared_task(
    bind=True,
    name="practicals.grade_submission",
    soft_time_limit=GRADE_SOFT_TIME_LIMIT_SECONDS,
    time_limit=GRADE_TIME_LIMIT_SECONDS,
    acks_late=True,
    reject_on_worker_lost=True,
    # Retries are counted in the database (infrastructure_failures), not by Celery.
    max_retries=None,
    ignore_result=True,
)
def grade_submission(self: Task, submission_id: int) -> str:
    """Grade one submission. Safe to run twice (the claim is a conditional update).

    Retries only after an infrastructure fault (engine unreachable, harness timeout); the
    service has already put the job back in the queue, so a lost retry message is recovered by
    the sweeper.
    """
    outcome = submission_grade(submission_id=submission_id, worker=self.request.hostname or "")
    if outcome.action is GradeAction.NOT_CLAIMED:
        logger.info(
            "submission %s not claimed: graded already, held by a live worker, or deleted",
            submission_id,
        )
    if outcome.action is GradeAction.RETRY:
        raise self.retry(countdown=outcome.retry_in_seconds)
    return outcome.action.value


@shared_task(
    name="practicals.sweep_stuck_submissions",
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT_SECONDS,
    time_limit=SWEEP_TIME_LIMIT_SECONDS,
    ignore_result=True,
)
def sweep_stuck_submissions() -> int:
    """Resend grading jobs stuck in the queue, or abandoned by a dead worker. Idempotent."""
    report = submissions_sweep_stuck()
    return len(report.requeued) + len(report.given_up)


@shared_task(
    name="practicals.remove_grading_leftovers",
    soft_time_limit=JANITOR_SOFT_TIME_LIMIT_SECONDS,
    time_limit=JANITOR_TIME_LIMIT_SECONDS,
    ignore_result=True,
)
def remove_grading_leftovers() -> int:
    """Remove labelled containers, networks and images older than the longest job, and trim
    the task-image and learner build caches to their bounds (both trim themselves after each
    use; this catches up after crashes). Idempotent."""
    client = docker_client()
    try:
        report = janitor(client, timedelta(seconds=GRADE_TIME_LIMIT_SECONDS * 2))
        evicted = DEFAULT_CACHE.evict(client) + build_cache().evict(client)
    finally:
        client.close()
    if evicted:
        logger.info("image caches: evicted %s", ", ".join(evicted))
    if report.errors:
        logger.warning("grading janitor: %s", "; ".join(report.errors))
    removed = report.containers + report.networks + report.images + report.cgroups
    logger.info(
        "grading janitor removed %s containers, %s networks, %s images, %s cgroups",
        report.containers,
        report.networks,
        report.images,
        report.cgroups,
    )
    return removed
