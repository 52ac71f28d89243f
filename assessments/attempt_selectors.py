"""Learner-facing reads of attempts: permission-aware getters and what a learner may see.

Every getter takes the learner and raises AttemptNotFound for another learner's attempt, so no
view does its own ownership check. Visibility of grades follows the assessment's feedback policy.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

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
    """One query: the item with its attempt, assessment and frozen question version."""
    try:
        return AttemptQuestion.objects.select_related(
            "attempt", "attempt__assessment", "question_version"
        ).get(attempt_id=attempt_id, position=position, attempt__learner=learner)
    except AttemptQuestion.DoesNotExist:
        raise AttemptNotFound(f"No question {position} in attempt {attempt_id} of yours.") from None


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
