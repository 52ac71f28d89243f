"""Grading jobs in the database: claims with a lease, progress, release after a fault, sweeping.

The database is the source of truth: a broker message only says "look at submission N". A worker
claims a job with one conditional UPDATE that succeeds only if the job is queued, or if the
worker holding it let its lease run out (it died). Each claim gets a fresh token; every later
write is conditional on that token, so a worker that lost its claim can no longer change anything.
"""

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from practicals.models import Submission, SubmissionStatus

logger = logging.getLogger(__name__)

IN_FLIGHT = (SubmissionStatus.BUILDING, SubmissionStatus.CHECKING)
CLAIMED_PHASE = "claimed"
RETRY_PHASE = "waiting to retry"
# Phases that happen before (or while) the image is built; any later phase is "checking".
BUILD_PHASES = frozenset(
    {CLAIMED_PHASE, "prepare", "prescreen", "static", "context", "unpack", "build"}
)
# Renew the lease three times per lease period, so two missed renewals still leave it valid.
LEASE_RENEWALS_PER_PERIOD = 3


class LeaseLostError(RuntimeError):
    """Another worker took the job over (this one was presumed dead): stop, write nothing."""


@dataclass(frozen=True)
class Claim:
    submission_id: int
    token: str
    job_id: str
    claimed_at: datetime
    claims: int


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.GRADING_LEASE_SECONDS)


def claimable(now: datetime) -> Q:
    """Queued, or held by a worker whose lease ran out, and not out of claims."""
    queued = Q(status=SubmissionStatus.QUEUED)
    abandoned = Q(status__in=IN_FLIGHT, lease_expires_at__lt=now)
    return (queued | abandoned) & Q(claims__lt=settings.GRADING_MAX_CLAIMS)


def submission_claim(*, submission_id: int, worker: str) -> Claim | None:
    """Claim the job, or None if it is done, being graded by a live worker, or out of claims.

    One conditional UPDATE: two workers given the same message cannot both succeed.
    """
    now = timezone.now()
    token = f"{worker[:150]}/{uuid.uuid4().hex}"
    updated = Submission.objects.filter(claimable(now), pk=submission_id).update(
        status=SubmissionStatus.BUILDING,
        phase=CLAIMED_PHASE,
        phase_started_at=now,
        lease_owner=token,
        lease_expires_at=now + lease_duration(),
        claims=F("claims") + 1,
        started_at=now,
    )
    if not updated:
        return None
    claims = Submission.objects.values_list("claims", flat=True).get(pk=submission_id)
    job_id = f"sub{submission_id}-c{claims}-{token[-8:]}"
    return Claim(submission_id, token, job_id, now, claims)


def _held(claim: Claim) -> Q:
    return Q(pk=claim.submission_id, lease_owner=claim.token, status__in=IN_FLIGHT)


def submission_lease_renew(*, claim: Claim) -> bool:
    """Extend the lease; False if the claim is no longer this worker's."""
    now = timezone.now()
    return bool(
        Submission.objects.filter(_held(claim)).update(lease_expires_at=now + lease_duration())
    )


def submission_progress(*, claim: Claim, phase: str) -> None:
    """Record the pipeline's phase (and renew the lease); raises LeaseLostError if taken over."""
    now = timezone.now()
    status = SubmissionStatus.BUILDING if phase in BUILD_PHASES else SubmissionStatus.CHECKING
    updated = Submission.objects.filter(_held(claim)).update(
        status=status,
        phase=phase[:32],
        phase_started_at=now,
        lease_expires_at=now + lease_duration(),
    )
    if not updated:
        raise LeaseLostError(f"submission {claim.submission_id}: the claim was taken over")


def submission_release_for_retry(*, claim: Claim, error: str) -> bool:
    """Put the job back in the queue after an infrastructure fault; False if no longer ours."""
    return bool(
        Submission.objects.filter(_held(claim)).update(
            status=SubmissionStatus.QUEUED,
            phase=RETRY_PHASE,
            phase_started_at=timezone.now(),
            lease_owner="",
            lease_expires_at=None,
            infrastructure_failures=F("infrastructure_failures") + 1,
            last_error=error[:2000],
        )
    )


class LeaseKeeper:
    """Renews a claim's lease from a background thread while the pipeline runs.

    The lease then means "the worker is alive", whatever the length of a pipeline phase. If a
    renewal finds the claim gone, `lost` is set; the next progress call raises LeaseLostError.
    """

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        interval = settings.GRADING_LEASE_SECONDS / LEASE_RENEWALS_PER_PERIOD
        try:
            while not self._stop.wait(interval):
                try:
                    renewed = submission_lease_renew(claim=self.claim)
                except (OperationalError, InterfaceError) as error:
                    # Not fatal: the lease may still be valid (the database restarts in seconds)
                    # and the final write is conditional on the claim anyway. Try again next time
                    # on a fresh connection.
                    logger.warning(
                        "lease renewal of submission %s failed: %s", self.claim.submission_id, error
                    )
                    connection.close()
                    continue
                if not renewed:
                    self.lost.set()
                    return
        finally:
            connection.close()


@dataclass(frozen=True)
class SweepReport:
    requeued: tuple[int, ...]
    given_up: tuple[int, ...]


def submissions_sweep_stuck(*, now: datetime | None = None) -> SweepReport:
    """Resend jobs that sat queued too long, or whose worker's lease ran out; give up on jobs
    out of claims (they end with verdict error, which costs the learner nothing).

    Idempotent: a resend is marked by `enqueued_at`, so the next sweep does not resend it again
    until another GRADING_STUCK_AFTER_SECONDS have passed; a duplicate message is harmless anyway.
    """
    from practicals.services.grading import submission_enqueue, submission_give_up

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.GRADING_STUCK_AFTER_SECONDS)
    not_recently_sent = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff)
    abandoned = Q(status__in=IN_FLIGHT, lease_expires_at__lt=now)
    stuck = Q(status=SubmissionStatus.QUEUED) | abandoned
    exhausted = list(
        Submission.objects.filter(abandoned | Q(status=SubmissionStatus.QUEUED))
        .filter(claims__gte=settings.GRADING_MAX_CLAIMS)
        .values_list("pk", flat=True)
    )
    given_up = tuple(
        pk
        for pk in exhausted
        if submission_give_up(
            submission_id=pk, reason="the grading job was interrupted too many times", now=now
        )
    )
    requeued: list[int] = []
    candidates = (
        Submission.objects.filter(stuck & not_recently_sent)
        .filter(claims__lt=settings.GRADING_MAX_CLAIMS)
        .values_list("pk", flat=True)
    )
    for pk in candidates:
        with transaction.atomic():
            marked = (
                Submission.objects.filter(stuck & not_recently_sent, pk=pk)
                .filter(claims__lt=settings.GRADING_MAX_CLAIMS)
                .update(enqueued_at=now)
            )
            if marked:
                submission_enqueue(submission_id=pk)
                requeued.append(pk)
    if requeued or given_up:
        logger.warning("sweeper: requeued %s, gave up on %s", requeued, list(given_up))
    return SweepReport(tuple(requeued), given_up)
