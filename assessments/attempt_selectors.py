"""Learner-facing reads of attempts: permission-aware getters and what a learner may see.

Every getter takes the learner and raises AttemptNotFound for another learner's attempt, so no
view does its own ownership check. Visibility of grades follows the assessment's feedback policy.
"""

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from assessments.models import (
    Assessment,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    FeedbackPolicy,
)
from assessments.question_types import QUESTION_TYPES, instantiate

# A section below this share of points needs review.
MASTERY_THRESHOLD = 0.7


class AttemptNotFound(Exception):
    """No such attempt for this learner (it may exist for someone else: we do not say)."""


def attempt_get_for_learner(*, attempt_id: int, learner: User) -> Attempt:
    try:
        return Attempt.objects.select_related("assessment", "assessment__section").get(
            pk=attempt_id, learner=learner
        )
    except Attempt.DoesNotExist:
        raise AttemptNotFound(f"No attempt {attempt_id} of yours.") from None


def attempt_question_get_for_learner(
    *, attempt_id: int, position: int, learner: User
) -> AttemptQuestion:
    """One query: the item with its attempt, assessment and frozen question version (and its
    question, whose section the feedback names)."""
    try:
        return AttemptQuestion.objects.select_related(
            "attempt", "attempt__assessment", "question_version__question"
        ).get(attempt_id=attempt_id, position=position, attempt__learner=learner)
    except AttemptQuestion.DoesNotExist:
        raise AttemptNotFound(f"No question {position} in attempt {attempt_id} of yours.") from None


@dataclass(frozen=True)
class ItemForSave:
    """What saving an answer needs of a frozen question, and nothing more.

    `attempt` holds only its id, assessment, learner, status and deadline (the other fields are
    deferred, as with `.only()`); `spec` is the frozen version's spec, before instantiation.
    """

    item_id: int
    position: int
    seed: int
    max_points: Decimal
    question_type: str
    spec: dict[str, Any]
    attempt: Attempt
    module_id: int
    feedback_policy: str

    @classmethod
    def of(cls, item: AttemptQuestion) -> "ItemForSave":
        """From an item loaded with its attempt, assessment and question version."""
        return cls(
            item_id=item.pk,
            position=item.position,
            seed=item.seed,
            max_points=item.max_points,
            question_type=item.question_version.type,
            spec=item.question_version.spec,
            attempt=item.attempt,
            module_id=item.attempt.assessment.module_id,
            feedback_policy=item.attempt.assessment.feedback_policy,
        )


# Every learner saves an answer every few seconds during an exam, so this read is one narrow row
# in SQL: a queryset with three joins costs more to compile than PostgreSQL takes to run it.
_ITEM_FOR_SAVE_SQL = """
SELECT item.id, item.seed, item.max_points, version.type, version.spec,
       attempt.assessment_id, attempt.status, attempt.deadline_at,
       assessment.module_id, assessment.feedback_policy
FROM assessments_attemptquestion AS item
JOIN assessments_attempt AS attempt ON attempt.id = item.attempt_id
JOIN assessments_assessment AS assessment ON assessment.id = attempt.assessment_id
JOIN assessments_questionversion AS version ON version.id = item.question_version_id
WHERE item.attempt_id = %s AND item."position" = %s AND attempt.learner_id = %s
"""


def attempt_question_get_for_save(*, attempt_id: int, position: int, learner: User) -> ItemForSave:
    """One query: the learner's frozen question as much as a save needs; raises AttemptNotFound."""
    with connection.cursor() as cursor:
        cursor.execute(_ITEM_FOR_SAVE_SQL, [attempt_id, position, learner.pk])
        row = cursor.fetchone()
    if row is None:
        raise AttemptNotFound(f"No question {position} in attempt {attempt_id} of yours.")
    (
        item_id,
        seed,
        max_points,
        question_type,
        spec,
        assessment_id,
        status,
        deadline_at,
        module_id,
        feedback_policy,
    ) = row
    # Values in the model's field order, as from_db expects for a partly loaded row.
    attempt = Attempt.from_db(
        connection.alias,
        ["id", "assessment_id", "learner_id", "status", "deadline_at"],
        [attempt_id, assessment_id, learner.pk, status, _aware(deadline_at)],
    )
    return ItemForSave(
        item_id=item_id,
        position=position,
        seed=seed,
        # SQLite hands decimals back as floats, PostgreSQL as Decimal.
        max_points=Decimal(str(max_points)),
        question_type=question_type,
        # Both backends hand JSON columns to Django as text.
        spec=json.loads(spec) if isinstance(spec, str) else spec,
        attempt=attempt,
        module_id=module_id,
        feedback_policy=feedback_policy,
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive (in UTC, as Django stores them); PostgreSQL aware."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return moment.replace(tzinfo=UTC)


def attempt_list_for_learner(
    *, learner: User, assessment: Assessment | None = None
) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(learner=learner).select_related("assessment")
    if assessment is not None:
        attempts = attempts.filter(assessment=assessment)
    return attempts.order_by("-started_at")


def grades_visible(*, attempt: Attempt, now: datetime) -> bool:
    """Whether the attempt's score, fractions, feedback and answers may be shown to the learner."""
    if attempt.status != AttemptStatus.SUBMITTED:
        return False
    if attempt.assessment.feedback_policy == FeedbackPolicy.AFTER_CLOSE:
        return attempt.assessment.has_closed(now)
    return True


def item_feedback_visible(*, attempt: Attempt, item: AttemptQuestion, now: datetime) -> bool:
    if grades_visible(attempt=attempt, now=now):
        return True
    return (
        attempt.assessment.feedback_policy == FeedbackPolicy.IMMEDIATE
        and attempt.status == AttemptStatus.IN_PROGRESS
        and item.fraction is not None
    )


@dataclass(frozen=True)
class ItemForLearner:
    position: int
    type: str
    view: dict[str, Any]
    response: Any
    saved: bool
    max_points: Decimal
    # Only set when the feedback policy allows it.
    fraction: float | None = None
    points: Decimal | None = None
    feedback: dict[str, Any] | None = None
    general_feedback: str | None = None
    section_id: int | None = None


def item_for_learner(*, attempt: Attempt, item: AttemptQuestion, now: datetime) -> ItemForLearner:
    version = item.question_version
    variant, _ = instantiate(version.spec, item.seed)
    view = QUESTION_TYPES[version.type].learner_view(variant, option_order=item.option_order)
    assessment = attempt.assessment
    shows_response = (
        attempt.status == AttemptStatus.IN_PROGRESS or assessment.review_shows_responses
    )
    base = ItemForLearner(
        position=item.position,
        type=version.type,
        view=view,
        response=item.response if shows_response else None,
        saved=item.saved_at is not None,
        max_points=item.max_points,
    )
    if not item_feedback_visible(attempt=attempt, item=item, now=now):
        return base
    return replace(
        base,
        fraction=item.fraction,
        points=item.points,
        feedback=item.feedback if assessment.review_shows_feedback else None,
        general_feedback=str(variant.get("feedback", ""))
        if assessment.review_shows_correct_answers
        else None,
        section_id=item.question_version.question.section_id,
    )


def attempt_items_for_learner(*, attempt: Attempt, now: datetime) -> list[ItemForLearner]:
    items = attempt.questions.select_related(
        "question_version", "question_version__question"
    ).order_by("position")
    return [item_for_learner(attempt=attempt, item=item, now=now) for item in items]


@dataclass(frozen=True)
class SectionMastery:
    section_id: int
    section_title: str
    section_position: int
    section_url: str
    points: Decimal
    max_points: Decimal

    @property
    def share(self) -> float:
        return float(self.points / self.max_points) if self.max_points else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def needs_review(self) -> bool:
        return self.share < MASTERY_THRESHOLD


def mastery_for_learner(*, learner: User, now: datetime) -> list[SectionMastery]:
    """Per section, the learner's latest graded answer to each question they met, across attempts.

    Only attempts whose grades the learner may see count, so mastery never leaks a hidden grade.
    """
    items = (
        AttemptQuestion.objects.filter(
            attempt__learner=learner, attempt__status=AttemptStatus.SUBMITTED
        )
        .select_related(
            "attempt__assessment", "question_version__question__section__module__course"
        )
        .order_by("question_version__question_id", "-attempt__submitted_at")
    )
    latest: dict[int, AttemptQuestion] = {}
    for item in items:
        question_id = item.question_version.question_id
        if question_id not in latest and grades_visible(attempt=item.attempt, now=now):
            latest[question_id] = item
    totals: dict[int, list[Any]] = {}
    for item in latest.values():
        section = item.question_version.question.section
        entry = totals.setdefault(section.pk, [section, Decimal(0), Decimal(0)])
        entry[1] += item.points or 0
        entry[2] += item.max_points
    return [
        SectionMastery(
            section_id=section.pk,
            section_title=section.title,
            section_position=section.position,
            section_url=section.get_absolute_url(),
            points=points,
            max_points=max_points,
        )
        for section, points, max_points in sorted(
            totals.values(), key=lambda entry: entry[0].position
        )
    ]
