"""Grading one submission: claim it, run the grader, store the run exactly once.

`submission_grade` is what the Celery task calls. It returns an outcome instead of raising for
the cases the task must act on (retry after an infrastructure fault); the database write that
finishes a job is conditional on the worker's claim, so at most one run is stored per grading.
"""

import enum
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from graders.data import GradeResult
from graders.data import Verdict as GraderVerdict
from practicals.grading import (
    grader,
    grading_unavailable,
    infrastructure_error_types,
    rubric_max_score,
    submission_files_for,
    task_spec_for_version,
)
from practicals.models import (
    CheckResult,
    GradingRun,
    PracticalTaskVersion,
    Submission,
    SubmissionStatus,
    Verdict,
)
from practicals.services.jobs import (
    IN_FLIGHT,
    Claim,
    LeaseKeeper,
    LeaseLostError,
    submission_claim,
    submission_progress,
    submission_release_for_retry,
)
from quayside import announcements
from quayside.announcements import Topic
from quayside.enqueue import enqueue_after_commit

logger = logging.getLogger(__name__)

# GradeResult promises a capped log; the database keeps the promise even if a grader does not.
LOG_EXCERPT_MAX_BYTES = 64 * 1024
# Seconds before retrying after an infrastructure fault: 10, 20, 40... capped at five minutes.
RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 300
# A PostgreSQL restart takes a few seconds; a finished job's result waits this long for it.
FINAL_WRITE_RETRY_SECONDS = 60.0
FINAL_WRITE_RETRY_PAUSE_SECONDS = 1.0
DATABASE_FAULTS = (OperationalError, InterfaceError)


class GradeAction(enum.StrEnum):
    STORED = "stored"
    NOT_CLAIMED = "not claimed"
    LEASE_LOST = "lease lost"
    RETRY = "retry"
    GAVE_UP = "gave up"
    ENGINE_UNAVAILABLE = "engine unavailable"


@dataclass(frozen=True)
class GradeOutcome:
    action: GradeAction
    run_id: int | None = None
    retry_in_seconds: int | None = None
    detail: str = ""


def submission_enqueue(*, submission_id: int) -> None:
    """Send the grading message once the current transaction commits (never from inside it).

    With the broker down the message is dropped (logged): the submission is queued in the
    database, and the sweeper resends it.
    """
    from practicals.tasks import grade_submission  # the tasks module imports this one

    enqueue_after_commit(grade_submission, submission_id)


def submission_grade(*, submission_id: int, worker: str) -> GradeOutcome:
    """Grade the submission if this worker can claim it.

    Idempotent: a redelivered message finds the job done (or held by a live worker) and does
    nothing. A worker whose engine does not answer claims nothing (ENGINE_UNAVAILABLE: the job
    goes to another worker, no claim counted). Infrastructure faults put the job back in the
    queue (RETRY, with a delay) until GRADING_MAX_CLAIMS is reached; then the verdict is
    "error", which costs no attempt.
    """
    problem = grading_unavailable()
    if problem is not None:
        logger.warning("submission %s left to other workers: %s", submission_id, problem)
        return GradeOutcome(GradeAction.ENGINE_UNAVAILABLE, detail=problem)
    claim = submission_claim(submission_id=submission_id, worker=worker)
    if claim is None:
        return GradeOutcome(GradeAction.NOT_CLAIMED)
    submission = Submission.objects.select_related("task_version__task").get(pk=submission_id)
    version = PracticalTaskVersion.objects.select_related("task").get(
        pk=submission.version_for_grading_id
    )
    started = time.monotonic()
    faults: tuple[type[BaseException], ...] = (
        *infrastructure_error_types(),
        SoftTimeLimitExceeded,
    )
    try:
        with LeaseKeeper(claim) as keeper:
            result = grader()(
                task_spec_for_version(version),
                submission_files_for(submission),
                job_id=claim.job_id,
                progress=_progress_reporter(claim, keeper),
            )
    except LeaseLostError:
        logger.warning("submission %s: claim lost mid-job; the new holder grades it", submission_id)
        return GradeOutcome(GradeAction.LEASE_LOST)
    except faults as error:
        return _after_fault(claim, version, f"{type(error).__name__}: {error}")
    except Exception as error:
        # A bug, not a fault of the engine: retrying will not help. End the job with "error"
        # (never the learner's fault) and let the exception reach the worker's log.
        _store(claim, version, _error_result(version, f"internal error: {error!r}"))
        raise
    if result.verdict is GraderVerdict.ERROR:
        return _after_fault(claim, version, result.reason or "the grader reported an error")
    logger.info(
        "submission %s graded in %.1f s: %s",
        submission_id,
        time.monotonic() - started,
        result.verdict,
    )
    run = _store(claim, version, result)
    if run is None:
        return GradeOutcome(GradeAction.LEASE_LOST)
    return GradeOutcome(GradeAction.STORED, run_id=run.pk)


def _progress_reporter(claim: Claim, keeper: LeaseKeeper) -> Callable[[str], None]:
    """Record phases; a database blip only skips a progress note (the lease keeper and the
    conditional final write keep the job safe), a lost claim stops the job."""

    def progress(phase: str) -> None:
        if keeper.lost.is_set():
            raise LeaseLostError(f"submission {claim.submission_id}: the claim was taken over")
        try:
            submission_progress(claim=claim, phase=phase)
        except DATABASE_FAULTS as error:
            logger.warning(
                "submission %s: phase %s not recorded: %s", claim.submission_id, phase, error
            )

    return progress


def _after_fault(claim: Claim, version: PracticalTaskVersion, error: str) -> GradeOutcome:
    return _with_database_retries(lambda: _release_after_fault(claim, version, error))


def _release_after_fault(claim: Claim, version: PracticalTaskVersion, error: str) -> GradeOutcome:
    failures = Submission.objects.values_list("infrastructure_failures", flat=True).get(
        pk=claim.submission_id
    )
    logger.warning(
        "submission %s: infrastructure fault %s: %s", claim.submission_id, failures + 1, error
    )
    if failures + 1 >= settings.GRADING_MAX_CLAIMS:
        run = _write_if_held(claim, version, _error_result(version, error))
        return GradeOutcome(GradeAction.GAVE_UP, run_id=run.pk if run else None)
    if not submission_release_for_retry(claim=claim, error=error):
        return GradeOutcome(GradeAction.LEASE_LOST)
    delay = min(RETRY_BASE_SECONDS * 2**failures, RETRY_MAX_SECONDS)
    return GradeOutcome(GradeAction.RETRY, retry_in_seconds=delay)


def _with_database_retries[T](write: Callable[[], T]) -> T:
    """Run a job's final write, retrying while the database restarts (bounded): the grading is
    done, and losing its result to a blip of a few seconds would waste it."""
    deadline = time.monotonic() + FINAL_WRITE_RETRY_SECONDS
    while True:
        try:
            return write()
        except DATABASE_FAULTS as error:
            if time.monotonic() >= deadline:
                raise
            logger.warning("database unavailable for a job's final write (%s); retrying", error)
            connection.close()
            time.sleep(FINAL_WRITE_RETRY_PAUSE_SECONDS)


def submission_give_up(*, submission_id: int, reason: str, now: datetime) -> bool:
    """End a job that cannot be claimed any more (out of claims) with verdict error."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .filter(pk=submission_id)
            .exclude(status=SubmissionStatus.DONE)
            .first()
        )
        if submission is None:
            return False
        if submission.status in IN_FLIGHT and (
            submission.lease_expires_at is None or submission.lease_expires_at >= now
        ):
            return False
        version = PracticalTaskVersion.objects.get(pk=submission.version_for_grading_id)
        _write_run(submission, version, _error_result(version, reason), now, now)
    return True


def _error_result(version: PracticalTaskVersion, reason: str) -> GradeResult:
    return GradeResult(
        verdict=GraderVerdict.ERROR,
        score=0.0,
        max_score=float(rubric_max_score(version.rubric)),
        checks=(),
        reason=reason[:2000],
    )


def _store(claim: Claim, version: PracticalTaskVersion, result: GradeResult) -> GradingRun | None:
    """Write the run if the claim still holds; None if it was taken over."""
    return _with_database_retries(lambda: _write_if_held(claim, version, result))


def _write_if_held(
    claim: Claim, version: PracticalTaskVersion, result: GradeResult
) -> GradingRun | None:
    """Write the run under the submission's row lock, if this claim still holds it."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .filter(pk=claim.submission_id, lease_owner=claim.token, status__in=IN_FLIGHT)
            .first()
        )
        if submission is None:
            return None
        finished = timezone.now()
        started = submission.started_at or claim.claimed_at
        return _write_run(submission, version, result, started, finished)


def _write_run(
    submission: Submission,
    version: PracticalTaskVersion,
    result: GradeResult,
    started: datetime,
    finished: datetime,
) -> GradingRun:
    """Store the run and its checks and finish the job. Caller holds the submission's row lock."""
    last = submission.runs.aggregate(last=Max("number"))["last"] or 0
    run = GradingRun.objects.create(
        submission=submission,
        number=last + 1,
        task_version=version,
        verdict=Verdict(result.verdict.value),
        trigger=submission.pending_trigger,
        requested_by_id=submission.pending_requested_by_id,
        score=_points(result.score),
        max_score=_points(result.max_score),
        reason=_text(result.reason),
        claims=max(submission.claims, 1),
        image_digest=result.image_digest[:100],
        image_size_bytes=result.image_size_bytes,
        timings=dict(result.timings),
        log_excerpt=_capped(_text(result.log_excerpt)),
        started_at=started,
        finished_at=finished,
    )
    CheckResult.objects.bulk_create(
        CheckResult(
            run=run,
            position=position,
            check_id=check.check_id[:80],
            passed=check.passed,
            points=_points(check.points),
            max_points=_points(check.max_points),
            message=_text(check.message),
            section_slug=check.section_slug[:120],
            evidence=_evidence(check.evidence),
        )
        for position, check in enumerate(result.checks, start=1)
    )
    submission.status = SubmissionStatus.DONE
    submission.verdict = run.verdict
    submission.score = run.score
    submission.max_score = run.max_score
    submission.phase = "done"
    submission.phase_started_at = finished
    submission.finished_at = finished
    submission.lease_owner = ""
    submission.lease_expires_at = None
    submission.save(
        update_fields=[
            "status",
            "verdict",
            "score",
            "max_score",
            "phase",
            "phase_started_at",
            "finished_at",
            "lease_owner",
            "lease_expires_at",
        ]
    )
    # Inside the transaction: subscribers record what they must do (a pending certificate
    # evaluation) atomically with the run, and send their messages after the commit.
    announcements.publish(Topic.SUBMISSION_GRADED, submission.pk)
    return run


def _points(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _evidence(evidence: Mapping[str, Any]) -> dict[str, Any]:
    # JSON for PostgreSQL's jsonb: no NUL, and anything unusual (bytes, paths) as text.
    encoded = json.dumps(dict(evidence), default=str).replace("\\u0000", "\\ufffd")
    decoded: dict[str, Any] = json.loads(encoded)
    return decoded


def _text(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a build log may well contain one.
    return text.replace("\x00", "\ufffd")


def _capped(text: str) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= LOG_EXCERPT_MAX_BYTES:
        return text
    return encoded[:LOG_EXCERPT_MAX_BYTES].decode("utf-8", errors="ignore")
