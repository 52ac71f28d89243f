"""The attempt lifecycle: start (freeze the questions), submit (grade), expire. Saving answers,
the hot path in between, is in `answers`.

The server is the clock: every write checks the deadline in the same statement that writes, so a
request that arrives late is refused even if it raced the deadline.
"""

import random
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from assessments.models import (
    Assessment,
    Attempt,
    AttemptCycle,
    AttemptQuestion,
    AttemptStatus,
    FinalisedBy,
    LearnerOverride,
    QuestionVersion,
)
from assessments.question_types import QUESTION_TYPES
from assessments.services.draw import BlueprintUnfillable, DrawnQuestion, questions_draw
from courses import api as courses_api
from courses.api import EnrolmentSource
from quayside import announcements
from quayside.announcements import Topic
from quayside.errors import DomainError

# Seeds are stored in a signed 64-bit column; 31 bits are plenty to vary parameters.
SEED_BITS = 31


class AttemptError(DomainError):
    """A refused request; `code` names the reason for API clients, the message is for people."""

    code = "attempt_error"
    status = 409


class AssessmentUnavailable(AttemptError):
    code = "assessment_unavailable"
    status = 403


class NoAttemptsLeft(AttemptError):
    code = "no_attempts_left"
    status = 403


class AttemptClosed(AttemptError):
    code = "attempt_closed"
    status = 409


class DeadlinePassed(AttemptError):
    code = "deadline_passed"
    status = 409


class InvalidResponse(AttemptError):
    code = "invalid_response"
    status = 422


class PoolTooSmall(AttemptError):
    code = "pool_too_small"
    status = 409


class IdempotencyKeyReused(AttemptError):
    code = "idempotency_key_reused"
    status = 422


class AnswerLocked(AttemptError):
    """Immediate feedback: the answer was checked, which graded it and locked it."""

    code = "answer_locked"
    status = 409


class CheckUnavailable(AttemptError):
    """Only assessments with immediate feedback check answers one by one."""

    code = "check_unavailable"
    status = 409


class QuestionWithdrawn(AttemptError):
    """The question joined the exam pool after this attempt drew it; it is no longer shown."""

    code = "question_withdrawn"
    status = 409


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def attempt_cycle_current(
    *, assessment: Assessment, learner: User, now: datetime
) -> AttemptCycle | None:
    """The learner's current certification cycle at the assessment (the latest one begun)."""
    return (
        AttemptCycle.objects.filter(assessment=assessment, learner=learner, starts_at__lte=now)
        .order_by("-starts_at")
        .first()
    )


def attempts_counted(*, attempts: Iterable[Attempt], cycle: AttemptCycle | None) -> list[Attempt]:
    """The attempts that count against the allowance: those of the current cycle, if any."""
    return [attempt for attempt in attempts if cycle is None or cycle.counts(attempt)]


def _previous_question_ids(last: Attempt | None) -> set[int]:
    if last is None:
        return set()
    return set(last.questions.values_list("question_version__question_id", flat=True))


def _frozen_questions(
    attempt: Attempt, drawn: list[DrawnQuestion], rng: random.Random
) -> list[AttemptQuestion]:
    """The attempt's questions with their seeds and displayed option orders.

    The order comes from the question type's `draw_option_order`, the one rule the authoring
    preview also follows: a preview with the item's seed shows the learner's screen, and ordering
    and matching never show their answer order.
    """
    if attempt.assessment.shuffle_questions:
        rng.shuffle(drawn)
    frozen = []
    for position, question in enumerate(drawn, start=1):
        version = question.version
        item = AttemptQuestion(
            attempt=attempt,
            position=position,
            question_version=version,
            slot_position=question.slot_position,
            seed=rng.getrandbits(SEED_BITS),
            max_points=version.points,
        )
        item.option_order = QUESTION_TYPES[version.type].draw_option_order(
            item.variant, item.seed, shuffle_options=attempt.assessment.shuffle_options
        )
        frozen.append(item)
    return frozen


def _resumed(attempts: list[Attempt], *, now: datetime) -> Attempt | None:
    """The attempt in progress, if any; one past its deadline is submitted instead of resumed."""
    current = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    if current is None:
        return None
    if current.is_expired(now):
        attempt_submit(attempt=current, now=now, finalised_by=FinalisedBy.DEADLINE)
        return None
    return current


def attempt_start(
    *, learner: User, assessment: Assessment, idempotency_key: str = "", now: datetime | None = None
) -> Attempt:
    """Start an attempt, or return the one in progress (a learner has at most one per assessment).

    Draws the questions by the assessment's blueprint and freezes their versions, seeds and
    option orders. With an idempotency key, repeating the call returns the attempt the first
    call made. Attempts count against the allowance of the learner's current certification
    cycle (`AttemptCycle`), or against the assessment's allowance without one. Raises
    AssessmentUnavailable, NoAttemptsLeft, PoolTooSmall, or IdempotencyKeyReused for a key used
    at another assessment.
    """
    now = _now(now)
    earlier = _started_with_key(learner, assessment, idempotency_key)
    if earlier is not None:
        return earlier
    # One query for every earlier attempt: resuming, counting and numbering all read it.
    attempts = list(
        Attempt.objects.filter(assessment=assessment, learner=learner).order_by("-number")
    )
    current = _resumed(attempts, now=now)
    if current is not None:
        return current
    if not assessment.is_published or not assessment.is_open(now):
        raise AssessmentUnavailable("This assessment is not open now.")
    # At most one per learner and assessment (a unique pair): no ordering needed.
    override = next(
        iter(LearnerOverride.objects.filter(assessment_id=assessment.pk, learner_id=learner.pk)),
        None,
    )
    _allowance_check(assessment, learner, attempts, override, now)
    # Draws need variety, not secrecy: the seed itself comes from the OS generator.
    rng = random.Random(secrets.randbits(64))  # noqa: S311
    try:
        drawn = questions_draw(
            assessment=assessment,
            previous=_previous_question_ids(attempts[0] if attempts else None),
            rng=rng,
        )
    except BlueprintUnfillable as error:
        raise PoolTooSmall(str(error)) from None
    return _attempt_create_once(
        learner=learner,
        assessment=assessment,
        override=override,
        number=(attempts[0].number if attempts else 0) + 1,
        drawn=drawn,
        rng=rng,
        now=now,
        idempotency_key=idempotency_key,
    )


def _started_with_key(
    learner: User, assessment: Assessment, idempotency_key: str
) -> Attempt | None:
    """The attempt an earlier start with this key made; IdempotencyKeyReused if at another
    assessment."""
    if not idempotency_key:
        return None
    earlier = Attempt.objects.filter(learner=learner, start_idempotency_key=idempotency_key).first()
    if earlier is not None and earlier.assessment_id != assessment.pk:
        raise IdempotencyKeyReused("This idempotency key started an attempt at another assessment.")
    return earlier


def _allowance_check(
    assessment: Assessment,
    learner: User,
    attempts: list[Attempt],
    override: LearnerOverride | None,
    now: datetime,
) -> None:
    """Raise NoAttemptsLeft when the learner's allowance (Assessment.attempts_allowed_for) is
    used up. A first attempt is within every allowance, whatever the cycle."""
    if not attempts:
        return
    cycle = attempt_cycle_current(assessment=assessment, learner=learner, now=now)
    allowed = assessment.attempts_allowed_for(override, cycle)
    if allowed is not None and len(attempts_counted(attempts=attempts, cycle=cycle)) >= allowed:
        raise NoAttemptsLeft(
            f"You have used all {allowed} attempts at this assessment"
            + (" in this certification cycle." if cycle is not None else ".")
        )


def _attempt_create_once(
    *,
    learner: User,
    assessment: Assessment,
    override: LearnerOverride | None,
    number: int,
    drawn: list[DrawnQuestion],
    rng: random.Random,
    now: datetime,
    idempotency_key: str,
) -> Attempt:
    """Create the attempt, or return the one a concurrent start made first."""
    try:
        with transaction.atomic():
            return _attempt_create(
                learner=learner,
                assessment=assessment,
                override=override,
                number=number,
                drawn=drawn,
                rng=rng,
                now=now,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # A concurrent start won the race (one in progress, or the same number or key).
        winner = Attempt.objects.filter(
            Q(learner=learner, assessment=assessment, status=AttemptStatus.IN_PROGRESS)
            | (
                Q(learner=learner, start_idempotency_key=idempotency_key)
                if idempotency_key
                else Q(pk=None)
            )
        ).first()
        if winner is None:
            raise
        return winner


def _attempt_create(
    *,
    learner: User,
    assessment: Assessment,
    override: LearnerOverride | None,
    number: int,
    drawn: list[DrawnQuestion],
    rng: random.Random,
    now: datetime,
    idempotency_key: str,
) -> Attempt:
    deadline = None
    if assessment.time_limit_seconds:
        extra = override.extra_seconds if override else 0
        deadline = now + timedelta(seconds=assessment.time_limit_seconds + extra)
        if assessment.closes_at is not None:
            deadline = min(deadline, assessment.closes_at)
    attempt = Attempt.objects.create(
        assessment=assessment,
        learner=learner,
        number=number,
        started_at=now,
        deadline_at=deadline,
        start_idempotency_key=idempotency_key,
        max_score=sum((question.version.points for question in drawn), Decimal(0)),
    )
    frozen = AttemptQuestion.objects.bulk_create(_frozen_questions(attempt, drawn, rng))
    if number == 1:
        # A learner practising in a course is taking it (courses.enrolment): one statement,
        # nothing when they are enrolled already.
        courses_api.enrolment_for_module(
            learner_id=learner.pk, module_id=assessment.module_id, source=EnrolmentSource.PRACTICE
        )
    # The caller shows the new attempt at once, and its questions are already here with their
    # versions and questions: they are left as the attempt's prefetched `questions`, as
    # prefetch_related would, so the first read needs no query.
    prefetched = AttemptQuestion.objects.filter(attempt=attempt)
    prefetched._result_cache = frozen
    prefetched._prefetch_done = True  # type: ignore[attr-defined]
    attempt._prefetched_objects_cache = {"questions": prefetched}  # type: ignore[attr-defined]
    unshown = [q.version.pk for q in drawn if q.version.first_shown_at is None]
    if unshown:
        QuestionVersion.objects.filter(pk__in=unshown, first_shown_at__isnull=True).update(
            first_shown_at=now
        )
    return attempt


def _grade_fields(item: AttemptQuestion, response: Any) -> dict[str, Any]:
    if response is None:
        return {
            "fraction": 0.0,
            "points": Decimal("0.000"),
            "feedback": {"correct": False, "explanation": "Not answered.", "parts": []},
        }
    return answer_grade_fields(
        question_type=item.question_version.type,
        variant=item.variant,
        max_points=item.max_points,
        response=response,
    )


def answer_grade_fields(
    *, question_type: str, variant: dict[str, Any], max_points: Decimal, response: Any
) -> dict[str, Any]:
    """The grade columns of an attempt question for a normalised response to `variant`."""
    grade = QUESTION_TYPES[question_type].grade(variant, response)
    return {
        "fraction": grade.fraction,
        "points": (Decimal(str(grade.fraction)) * max_points).quantize(Decimal("0.001")),
        "feedback": {
            "correct": grade.correct,
            "explanation": grade.explanation,
            "parts": [
                {"label": p.label, "correct": p.correct, "feedback": p.feedback}
                for p in grade.parts
            ],
        },
    }


@transaction.atomic
def attempt_submit(
    *,
    attempt: Attempt,
    now: datetime | None = None,
    finalised_by: FinalisedBy = FinalisedBy.LEARNER,
    idempotency_key: str = "",
) -> Attempt:
    """Grade every question and close the attempt. Idempotent: a submitted attempt is returned
    as it is. Locks the attempt row, so a concurrent save or submit waits for the grade."""
    now = _now(now)
    locked = Attempt.objects.select_for_update().select_related("assessment").get(pk=attempt.pk)
    if locked.status != AttemptStatus.IN_PROGRESS:
        return locked
    if finalised_by == FinalisedBy.LEARNER and locked.is_expired(now):
        finalised_by = FinalisedBy.DEADLINE
    items = list(locked.questions.select_related("question_version"))
    total = Decimal(0)
    for item in items:
        for name, value in _grade_fields(item, item.response).items():
            setattr(item, name, value)
        total += item.points or 0
    AttemptQuestion.objects.bulk_update(items, ["fraction", "points", "feedback"])
    max_score = locked.max_score or Decimal(1)
    percent = (
        (total / max_score * 100).quantize(Decimal("0.01")) if locked.max_score else Decimal(0)
    )
    locked.status = AttemptStatus.SUBMITTED
    locked.submitted_at = (
        min(now, locked.deadline_at)
        if finalised_by == FinalisedBy.DEADLINE and locked.deadline_at
        else now
    )
    locked.finalised_by = finalised_by
    locked.score = total
    locked.percent = percent
    locked.passed = percent >= locked.assessment.passing_percent
    locked.submit_idempotency_key = idempotency_key
    locked.save(
        update_fields=[
            "status",
            "submitted_at",
            "finalised_by",
            "score",
            "percent",
            "passed",
            "submit_idempotency_key",
        ]
    )
    # Inside the transaction: subscribers record their follow-up work atomically with the grade.
    announcements.publish(Topic.ATTEMPT_GRADED, locked.pk)
    return locked


def attempt_finalise_if_expired(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Submit the attempt on the server's behalf if its deadline has passed; otherwise return it
    unchanged. Pages call this before showing an attempt, so nobody sees an expired attempt as
    open. Idempotent (attempt_submit returns a submitted attempt as it is)."""
    now = _now(now)
    if not attempt.is_expired(now):
        return attempt
    return attempt_submit(attempt=attempt, now=now, finalised_by=FinalisedBy.DEADLINE)


def attempts_finalise_expired(*, now: datetime | None = None) -> int:
    """Submit every attempt past its deadline (the periodic task). Returns how many it closed."""
    now = _now(now)
    count = 0
    for attempt in Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline_at__lte=now):
        attempt_submit(attempt=attempt, now=now, finalised_by=FinalisedBy.DEADLINE)
        count += 1
    return count
