"""Celery tasks of practical grading: thin wrappers that take ids and call services."""

import logging

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from practicals.engine import docker_client
from practicals.engine_watch import report_engine_failure
from practicals.grader_adapter import grading_unavailable
from practicals.services.engines import engine_upkeep
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
# A worker whose engine is down sends the job back this soon, for a worker with a live engine.
ENGINE_UNAVAILABLE_RETRY_SECONDS = 5
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_BACKOFF_SECONDS = 2
DATABASE_RETRY_BACKOFF_MAX_SECONDS = 30


@shared_task(
    bind=True,
    name="practicals.grade_submission",
    soft_time_limit=GRADE_SOFT_TIME_LIMIT_SECONDS,
    time_limit=GRADE_TIME_LIMIT_SECONDS,
    acks_late=True,
    reject_on_worker_lost=True,
    # Retries are counted in the database (infrastructure_failures), not by Celery.
    max_retries=None,
    # A database that is restarting: try the message again shortly (nothing was claimed, or the
    # claim's lease runs out and the sweeper resends the job).
    autoretry_for=TRANSIENT_DATABASE_ERRORS,
    retry_backoff=DATABASE_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=DATABASE_RETRY_BACKOFF_MAX_SECONDS,
    ignore_result=True,
)
def grade_submission(self: Task, submission_id: int) -> str:
    """Grade one submission. Safe to run twice (the claim is a conditional update).

    Retries only after an infrastructure fault (engine unreachable, harness timeout); the
    service has already put the job back in the queue, so a lost retry message is recovered by
    the sweeper. A worker whose engine is down claims nothing, stops taking grading jobs, and
    sends the message back for another worker.
    """
    outcome = submission_grade(submission_id=submission_id, worker=self.request.hostname or "")
    if outcome.action is GradeAction.ENGINE_UNAVAILABLE:
        report_engine_failure(outcome.detail)
        raise self.retry(countdown=ENGINE_UNAVAILABLE_RETRY_SECONDS)
    if outcome.action is GradeAction.NOT_CLAIMED:
        logger.info(
            "submission %s not claimed: graded already, held by a live worker, or deleted",
            submission_id,
        )
    if outcome.action is GradeAction.RETRY:
        problem = grading_unavailable()
        if problem is not None:
            report_engine_failure(problem)
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
    """Run the janitor on the engine of the worker that takes this message (each grading worker
    also runs it on its own engine every GRADING_JANITOR_INTERVAL_SECONDS). Idempotent."""
    client = docker_client()
    try:
        return engine_upkeep(client=client).removed
    finally:
        client.close()
