"""Reads for the learner portal and the instructors' attempt pages.

Learner getters hide what a learner may not open (unpublished assessments) by raising
AssessmentNotFound, so views never check visibility themselves. Grades are summarised only from
attempts whose grades the feedback policy lets the learner see.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from accounts.models import User
from assessments.attempt_selectors import (
    MASTERY_THRESHOLD,
    GradedResult,
    ItemForLearner,
    assessment_result_from_attempts,
    attempt_questions_for_learner,
    grades_visible,
    item_for_learner,
)
from assessments.models import (
    Assessment,
    Attempt,
    AttemptCycle,
    AttemptQuestion,
    AttemptStatus,
    LearnerOverride,
)
from assessments.services.attempts import attempts_counted
from courses import api as courses_api
from quayside.errors import NotFoundError
from quayside.scope import ModuleScope, in_scope


class AssessmentNotFound(NotFoundError):
    """No such assessment that this person may open."""


@dataclass(frozen=True)
class AssessmentStanding:
    """One assessment as the learner stands with it."""

    assessment: Assessment
    attempts: list[Attempt]
    attempts_allowed: int | None
    # The attempts that count against the allowance (those of the current certification cycle).
    attempts_used: int
    # The result under the assessment's grading method; None before any visible grade.
    result: GradedResult | None
    # The API's standing: the best visible attempt, and whether any visible attempt passed.
    best_percent: Decimal | None
    passed: bool | None
    in_progress: Attempt | None

    @property
    def updated_at(self) -> datetime | None:
        """When the learner's standing last changed: their latest start or submission."""
        moments = [
            moment
            for attempt in self.attempts
            for moment in (attempt.started_at, attempt.submitted_at)
            if moment is not None
        ]
        return max(moments, default=None)

    @property
    def attempts_left(self) -> int | None:
        if self.attempts_allowed is None:
            return None
        return max(0, self.attempts_allowed - self.attempts_used)


def _standing(
    *,
    assessment: Assessment,
    attempts: list[Attempt],
    override: LearnerOverride | None,
    cycle: AttemptCycle | None,
    now: datetime,
) -> AssessmentStanding:
    visible = [
        attempt
        for attempt in attempts
        if attempt.percent is not None and grades_visible(attempt=attempt, now=now)
    ]
    best = max(visible, key=lambda attempt: attempt.percent or Decimal(0), default=None)
    return AssessmentStanding(
        assessment=assessment,
        attempts=attempts,
        attempts_allowed=assessment.attempts_allowed_for(override, cycle),
        attempts_used=len(attempts_counted(attempts=attempts, cycle=cycle)),
        result=assessment_result_from_attempts(assessment=assessment, attempts=attempts, now=now),
        best_percent=best.percent if best else None,
        passed=any(attempt.passed for attempt in visible) if visible else None,
        in_progress=next(
            (attempt for attempt in attempts if attempt.status == AttemptStatus.IN_PROGRESS), None
        ),
    )


def _published_with_learner_attempts(
    learner: User, module_ids: ModuleScope = None
) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(in_scope("module_id", module_ids), is_published=True)
        .select_related("section", "module")
        .prefetch_related(
            Prefetch(
                "attempts",
                queryset=Attempt.objects.filter(learner=learner).order_by("-number"),
                to_attr="learner_attempts",
            ),
            Prefetch(
                "overrides",
                queryset=LearnerOverride.objects.filter(learner=learner),
                to_attr="learner_overrides",
            ),
            Prefetch(
                "cycles",
                queryset=AttemptCycle.objects.filter(learner=learner).order_by("-starts_at"),
                to_attr="learner_cycles",
            ),
        )
    )


def _standing_of(assessment: Assessment, now: datetime) -> AssessmentStanding:
    overrides: list[LearnerOverride] = getattr(assessment, "learner_overrides", [])
    cycles: list[AttemptCycle] = getattr(assessment, "learner_cycles", [])
    return _standing(
        assessment=assessment,
        attempts=list(getattr(assessment, "learner_attempts", [])),
        override=overrides[0] if overrides else None,
        cycle=next((cycle for cycle in cycles if cycle.starts_at <= now), None),
        now=now,
    )


def assessment_standings_for_learner(
    *, learner: User, now: datetime, module_ids: ModuleScope = None
) -> list[AssessmentStanding]:
    """Every published assessment in scope (one course's modules on a course dashboard) with
    the learner's attempts at it (four queries)."""
    return [
        _standing_of(assessment, now)
        for assessment in _published_with_learner_attempts(learner, module_ids)
    ]


def assessment_standing_for_learner(
    *, slug: str, learner: User, now: datetime
) -> AssessmentStanding:
    """One published assessment for a learner; raises AssessmentNotFound otherwise."""
    assessment = _published_with_learner_attempts(learner).filter(slug=slug).first()
    if assessment is None:
        raise AssessmentNotFound(f"No published assessment {slug!r}.")
    return _standing_of(assessment, now)


def assessment_get_for_instructor(*, slug: str) -> Assessment:
    """Any assessment, published or not: callers are behind instructor_required."""
    assessment = Assessment.objects.select_related("section", "module").filter(slug=slug).first()
    if assessment is None:
        raise AssessmentNotFound(f"No assessment {slug!r}.")
    return assessment


def attempt_list_for_instructor(*, assessment: Assessment) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(assessment=assessment)
        .select_related("learner")
        .order_by("learner__email", "number")
    )


def attempt_questions_for_page(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The frozen questions of an attempt with what rendering and feedback need (one query)."""
    return attempt_questions_for_learner(attempt=attempt)


@dataclass(frozen=True)
class QuestionForLearner:
    """A frozen question for rendering, and what the feedback policy lets the learner see."""

    item: AttemptQuestion
    shown: ItemForLearner


def questions_for_learner(
    *, attempt: Attempt, items: Iterable[AttemptQuestion], now: datetime
) -> list[QuestionForLearner]:
    return [
        QuestionForLearner(item=item, shown=item_for_learner(attempt=attempt, item=item, now=now))
        for item in items
    ]


@dataclass(frozen=True)
class SectionToReview:
    section_id: int
    title: str
    position: int
    url: str
    points: Decimal
    max_points: Decimal

    @property
    def percent(self) -> int:
        return round(float(self.points / self.max_points) * 100) if self.max_points else 0

    @property
    def needs_review(self) -> bool:
        return not self.max_points or float(self.points / self.max_points) < MASTERY_THRESHOLD


def _section_url(section: courses_api.SectionData) -> str:
    return reverse(
        "courses:section",
        kwargs={
            "course_slug": section.course_slug,
            "module_slug": section.module_slug,
            "section_slug": section.slug,
        },
    )


def sections_for_attempt(
    *, attempt: Attempt, items: Iterable[AttemptQuestion], now: datetime
) -> list[SectionToReview]:
    """Per section, the points of one submitted attempt, once its grades are visible (so an
    attempt under a closed feedback policy yields nothing). Shown even where the review hides
    each question's grade: a section total tells the learner what to revise, not which answer
    was wrong."""
    if not grades_visible(attempt=attempt, now=now):
        return []
    totals: dict[int, list[Decimal]] = {}
    for item in items:
        entry = totals.setdefault(item.question_version.question.section_id, [Decimal(0)] * 2)
        entry[0] += item.points or Decimal(0)
        entry[1] += item.max_points
    sections = []
    for section_id, (points, max_points) in totals.items():
        section = courses_api.section_get(section_id=section_id)
        sections.append(
            SectionToReview(
                section_id=section_id,
                title=section.title,
                position=section.position,
                url=_section_url(section),
                points=points,
                max_points=max_points,
            )
        )
    return sorted(sections, key=lambda section: section.position)
