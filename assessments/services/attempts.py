"""The attempt lifecycle: start (freeze the questions), save answers, submit (grade), expire.

The server is the clock: every write checks the deadline in the same statement that writes, so a
request that arrives late is refused even if it raced the deadline.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from accounts.models import User
from assessments import events
from assessments.models import (
    Assessment,
    AssessmentSlot,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    FeedbackPolicy,
    FinalisedBy,
    LearnerOverride,
    Question,
    QuestionStatus,
    QuestionVersion,
)
from assessments.question_types import QUESTION_TYPES, ResponseError, instantiate

# Seeds are stored in a signed 64-bit column; 31 bits are plenty to vary parameters.
SEED_BITS = 31
# A response bigger than this is not an answer to any of our question types.
MAX_RESPONSE_CHARACTERS = 20_000


class AttemptError(Exception):
    """A refused request; `code` names the reason for API clients, the message is for people."""

    code = "attempt_error"
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


@dataclass(frozen=True)
class SaveAcknowledgement:
    position: int
    saved_at: datetime
    save_count: int
    seconds_left: int | None


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def attempts_allowed_for(*, assessment: Assessment, override: LearnerOverride | None) -> int | None:
    """None means unlimited."""
    if assessment.attempts_allowed == 0:
        return None
    return assessment.attempts_allowed + (override.extra_attempts if override else 0)


def _slot_pool(slot: AssessmentSlot) -> list[Question]:
    questions = Question.objects.filter(status=QuestionStatus.READY, current_version__isnull=False)
    if slot.pool_section_id:
        questions = questions.filter(section_id=slot.pool_section_id)
    if slot.pool_objective_id:
        questions = questions.filter(current_version__objectives__id=slot.pool_objective_id)
    if slot.pool_type:
        questions = questions.filter(current_version__type=slot.pool_type)
    for tag in slot.pool_tags or []:
        questions = questions.filter(tags__name=tag)
    return list(questions.select_related("current_version").distinct().order_by("pk"))


def _draw(
    *, assessment: Assessment, previous: set[int], rng: random.Random
) -> list[tuple[AssessmentSlot, QuestionVersion]]:
    """One question version per drawn place. Avoids the previous attempt's questions when the pool
    has enough others, and never draws a question twice in one attempt."""
    drawn: list[tuple[AssessmentSlot, QuestionVersion]] = []
    used: set[int] = set()
    for slot in assessment.slots.select_related("question__current_version").order_by("position"):
        if slot.question is not None:
            if (
                slot.question.current_version is None
                or slot.question.status != QuestionStatus.READY
            ):
                raise PoolTooSmall(f"The fixed question of slot {slot.position} is not ready.")
            drawn.append((slot, slot.question.current_version))
            used.add(slot.question.pk)
            continue
        pool = [question for question in _slot_pool(slot) if question.pk not in used]
        if len(pool) < slot.draw_count:
            raise PoolTooSmall(
                f"Slot {slot.position} draws {slot.draw_count} questions "
                f"but its pool holds {len(pool)}."
            )
        fresh = [question for question in pool if question.pk not in previous]
        stale = [question for question in pool if question.pk in previous]
        rng.shuffle(fresh)
        rng.shuffle(stale)
        for question in (fresh + stale)[: slot.draw_count]:
            assert question.current_version is not None
            drawn.append((slot, question.current_version))
            used.add(question.pk)
    return drawn


def _previous_question_ids(*, assessment: Assessment, learner: User) -> set[int]:
    last = (
        Attempt.objects.filter(assessment=assessment, learner=learner).order_by("-number").first()
    )
    if last is None:
        return set()
    return set(last.questions.values_list("question_version__question_id", flat=True))


def _frozen_questions(
    attempt: Attempt, drawn: list[tuple[AssessmentSlot, QuestionVersion]], rng: random.Random
) -> list[AttemptQuestion]:
    if attempt.assessment.shuffle_questions:
        rng.shuffle(drawn)
    frozen = []
    for position, (slot, version) in enumerate(drawn, start=1):
        seed = rng.getrandbits(SEED_BITS)
        question_type = QUESTION_TYPES[version.type]
        variant, _ = instantiate(version.spec, seed)
        order: list[int] | None = None
        if question_type.shuffles(variant) and (
            attempt.assessment.shuffle_options or question_type.authoring_order_reveals_answer
        ):
            order = list(range(question_type.option_count(variant)))
            rng.shuffle(order)
        frozen.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question_version=version,
                slot_position=slot.position,
                seed=seed,
                option_order=order,
                max_points=version.points,
            )
        )
    return frozen


def attempt_start(
    *, learner: User, assessment: Assessment, idempotency_key: str = "", now: datetime | None = None
) -> Attempt:
    """Start an attempt, or return the one in progress (a learner has at most one per assessment).

    Freezes the drawn question versions, their seeds and option orders. With an idempotency key,
    repeating the call returns the attempt the first call made. Raises AssessmentUnavailable,
    NoAttemptsLeft, PoolTooSmall, or IdempotencyKeyReused for a key used at another assessment.
    """
    now = _now(now)
    if idempotency_key:
        earlier = Attempt.objects.filter(
            learner=learner, start_idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            if earlier.assessment_id != assessment.pk:
                raise IdempotencyKeyReused(
                    "This idempotency key started an attempt at another assessment."
                )
            return earlier
    attempt_finalise_if_expired_for(learner=learner, assessment=assessment, now=now)
    current = Attempt.objects.filter(
        learner=learner, assessment=assessment, status=AttemptStatus.IN_PROGRESS
    ).first()
    if current is not None:
        return current
    if not assessment.is_published or not assessment.is_open(now):
        raise AssessmentUnavailable("This assessment is not open now.")
    override = LearnerOverride.objects.filter(assessment=assessment, learner=learner).first()
    allowed = attempts_allowed_for(assessment=assessment, override=override)
    used = Attempt.objects.filter(assessment=assessment, learner=learner).count()
    if allowed is not None and used >= allowed:
        raise NoAttemptsLeft(f"You have used all {allowed} attempts at this assessment.")
    # Draws need variety, not secrecy: the seed itself comes from the OS generator.
    rng = random.Random(secrets.randbits(64))  # noqa: S311
    drawn = _draw(
        assessment=assessment,
        previous=_previous_question_ids(assessment=assessment, learner=learner),
        rng=rng,
    )
    try:
        with transaction.atomic():
            return _attempt_create(
                learner=learner,
                assessment=assessment,
                override=override,
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
    drawn: list[tuple[AssessmentSlot, QuestionVersion]],
    rng: random.Random,
    now: datetime,
    idempotency_key: str,
) -> Attempt:
    number = (
        Attempt.objects.filter(assessment=assessment, learner=learner).aggregate(n=Max("number"))[
            "n"
        ]
        or 0
    ) + 1
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
        max_score=sum((version.points for _, version in drawn), Decimal(0)),
    )
    AttemptQuestion.objects.bulk_create(_frozen_questions(attempt, drawn, rng))
    QuestionVersion.objects.filter(
        pk__in=[version.pk for _, version in drawn], first_shown_at__isnull=True
    ).update(first_shown_at=now)
    return attempt


def _grade_fields(item: AttemptQuestion, response: Any) -> dict[str, Any]:
    if response is None:
        return {
            "fraction": 0.0,
            "points": Decimal("0.000"),
            "feedback": {"correct": False, "explanation": "Not answered.", "parts": []},
        }
    version = item.question_version
    variant, _ = instantiate(version.spec, item.seed)
    grade = QUESTION_TYPES[version.type].grade(variant, response)
    return {
        "fraction": grade.fraction,
        "points": (Decimal(str(grade.fraction)) * item.max_points).quantize(Decimal("0.001")),
        "feedback": {
            "correct": grade.correct,
            "explanation": grade.explanation,
            "parts": [
                {"label": p.label, "correct": p.correct, "feedback": p.feedback}
                for p in grade.parts
            ],
        },
    }


def attempt_answer_save(
    *, item: AttemptQuestion, response: Any, now: datetime | None = None
) -> SaveAcknowledgement:
    """Save one answer (the last save wins). `item` comes from attempt_question_get_for_learner,
    with its attempt and question version loaded.

    Refuses answers after the deadline (and finalises the attempt) or after submission. The write
    is one conditional UPDATE, so a save racing the deadline or a submit cannot slip through.
    """
    now = _now(now)
    attempt = item.attempt
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
    if attempt.is_expired(now):
        attempt_submit(attempt=attempt, now=now, finalised_by=FinalisedBy.DEADLINE)
        raise DeadlinePassed(
            "The time limit has passed; the attempt was submitted without this answer."
        )
    if len(str(response)) > MAX_RESPONSE_CHARACTERS:
        raise InvalidResponse(f"The answer is longer than {MAX_RESPONSE_CHARACTERS} characters.")
    version = item.question_version
    variant, _ = instantiate(version.spec, item.seed)
    try:
        normalised = QUESTION_TYPES[version.type].normalise_response(variant, response)
    except ResponseError as error:
        raise InvalidResponse(str(error)) from None
    fields: dict[str, Any] = {
        "response": normalised,
        "saved_at": now,
        "save_count": F("save_count") + 1,
    }
    if attempt.assessment.feedback_policy == FeedbackPolicy.IMMEDIATE:
        fields |= _grade_fields(item, normalised)
    open_attempt = Q(attempt__status=AttemptStatus.IN_PROGRESS) & (
        Q(attempt__deadline_at__isnull=True) | Q(attempt__deadline_at__gt=now)
    )
    updated = AttemptQuestion.objects.filter(open_attempt, pk=item.pk).update(**fields)
    if not updated:
        raise AttemptClosed("This attempt is closed; the answer was not saved.")
    return SaveAcknowledgement(
        position=item.position,
        saved_at=now,
        save_count=item.save_count + 1,
        seconds_left=attempt.seconds_left(now),
    )


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
    attempt_id = locked.pk
    transaction.on_commit(lambda: events.attempt_graded(attempt_id=attempt_id))
    return locked


def attempt_finalise_if_expired(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Submit the attempt on the server's behalf if its deadline has passed; otherwise return it
    unchanged. Pages call this before showing an attempt, so nobody sees an expired attempt as
    open. Idempotent (attempt_submit returns a submitted attempt as it is)."""
    now = _now(now)
    if not attempt.is_expired(now):
        return attempt
    return attempt_submit(attempt=attempt, now=now, finalised_by=FinalisedBy.DEADLINE)


def attempt_finalise_if_expired_for(
    *, learner: User, assessment: Assessment, now: datetime
) -> None:
    expired = Attempt.objects.filter(
        learner=learner,
        assessment=assessment,
        status=AttemptStatus.IN_PROGRESS,
        deadline_at__lte=now,
    ).first()
    if expired is not None:
        attempt_submit(attempt=expired, now=now, finalised_by=FinalisedBy.DEADLINE)


def attempts_finalise_expired(*, now: datetime | None = None) -> int:
    """Submit every attempt past its deadline (the periodic task). Returns how many it closed."""
    now = _now(now)
    count = 0
    for attempt in Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline_at__lte=now):
        attempt_submit(attempt=attempt, now=now, finalised_by=FinalisedBy.DEADLINE)
        count += 1
    return count
