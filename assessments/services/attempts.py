"""The attempt lifecycle: start (freeze the questions), submit (grade), expire. Saving answers,
the hot path in between, is in `answers`.

The server is the clock: every write checks the deadline in the same statement that writes, so a
request that arrives late is refused even if it raced the deadline.
"""

import random
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from assessments import events
from assessments.models import (
    Assessment,
    AssessmentSlot,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    FinalisedBy,
    LearnerOverride,
    Question,
    QuestionStatus,
    QuestionVersion,
)
from assessments.question_types import QUESTION_TYPES, instantiate

# Seeds are stored in a signed 64-bit column; 31 bits are plenty to vary parameters.
SEED_BITS = 31


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


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def attempts_allowed_for(*, assessment: Assessment, override: LearnerOverride | None) -> int | None:
    """None means unlimited."""
    if assessment.attempts_allowed == 0:
        return None
    return assessment.attempts_allowed + (override.extra_attempts if override else 0)


# (question id, current version id): pools are drawn on ids, and only the drawn versions' specs
# are loaded, since a pool holds many questions and an attempt draws few of them.
type PoolEntry = tuple[int, int]


def _ready_questions() -> QuerySet[Question]:
    return Question.objects.filter(status=QuestionStatus.READY, current_version__isnull=False)


def _slot_pool(slot: AssessmentSlot) -> list[PoolEntry]:
    """The slot's pool by question id, in a query of its own (objectives and tags need joins)."""
    questions = _ready_questions()
    if slot.pool_section_id:
        questions = questions.filter(section_id=slot.pool_section_id)
    if slot.pool_objective_id:
        questions = questions.filter(current_version__objectives__id=slot.pool_objective_id)
    if slot.pool_type:
        questions = questions.filter(current_version__type=slot.pool_type)
    for tag in slot.pool_tags or []:
        questions = questions.filter(tags__name=tag)
    pool = questions.order_by("pk").distinct().values_list("pk", "current_version_id")
    return [(question_id, version_id) for question_id, version_id in pool if version_id]


def _slot_pools(slots: list[AssessmentSlot]) -> dict[int, list[PoolEntry]]:
    """The pool of every drawing slot, by slot position. Slots that filter by section and type
    only (every slot of the final exam) share one query."""
    drawing = [slot for slot in slots if slot.question_id is None]
    by_section = [slot for slot in drawing if not slot.pool_objective_id and not slot.pool_tags]
    pools = {slot.position: _slot_pool(slot) for slot in drawing if slot not in by_section}
    if not by_section:
        return pools
    questions = _ready_questions()
    # A slot without a section draws from every section.
    if all(slot.pool_section_id for slot in by_section):
        sections = {slot.pool_section_id for slot in by_section if slot.pool_section_id}
        questions = questions.filter(section_id__in=sections)
    rows = list(
        questions.order_by("pk").values_list(
            "pk", "current_version_id", "section_id", "current_version__type"
        )
    )
    for slot in by_section:
        pools[slot.position] = [
            (question_id, version_id)
            for question_id, version_id, section_id, question_type in rows
            if version_id
            and (not slot.pool_section_id or section_id == slot.pool_section_id)
            and (not slot.pool_type or question_type == slot.pool_type)
        ]
    return pools


def _draw(
    *, assessment: Assessment, previous: set[int], rng: random.Random
) -> list[tuple[AssessmentSlot, QuestionVersion]]:
    """One question version per drawn place. Avoids the previous attempt's questions when the pool
    has enough others, and never draws a question twice in one attempt."""
    slots = list(assessment.slots.select_related("question").order_by("position"))
    pools = _slot_pools(slots)
    drawn: list[tuple[AssessmentSlot, int]] = []
    used: set[int] = set()
    for slot in slots:
        if slot.question is not None:
            version_id = slot.question.current_version_id
            if version_id is None or slot.question.status != QuestionStatus.READY:
                raise PoolTooSmall(f"The fixed question of slot {slot.position} is not ready.")
            drawn.append((slot, version_id))
            used.add(slot.question.pk)
            continue
        pool = [entry for entry in pools[slot.position] if entry[0] not in used]
        if len(pool) < slot.draw_count:
            raise PoolTooSmall(
                f"Slot {slot.position} draws {slot.draw_count} questions "
                f"but its pool holds {len(pool)}."
            )
        fresh = [entry for entry in pool if entry[0] not in previous]
        stale = [entry for entry in pool if entry[0] in previous]
        rng.shuffle(fresh)
        rng.shuffle(stale)
        for question_id, version_id in (fresh + stale)[: slot.draw_count]:
            drawn.append((slot, version_id))
            used.add(question_id)
    # Only what freezing needs of a version (versions are immutable, so a later read is safe).
    versions = QuestionVersion.objects.only("type", "spec", "points").in_bulk(
        [version_id for _, version_id in drawn]
    )
    return [(slot, versions[version_id]) for slot, version_id in drawn]


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
    return answer_grade_fields(
        question_type=version.type, variant=variant, max_points=item.max_points, response=response
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
    events.attempt_graded(attempt_id=locked.pk)
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
