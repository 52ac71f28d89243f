"""What the learner API shows of attempts and progress, decided before any serializer sees it.

Every grade-bearing value (score, percent, passed, per-question fraction and feedback) is None
unless `grades_visible` / `item_for_learner` allow it under the assessment's feedback policy, so a
serializer cannot leak what it is never given.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch

from accounts.models import User
from assessments.attempt_selectors import (
    MASTERY_THRESHOLD,
    ItemForLearner,
    attempt_items_for_learner,
    grades_visible,
)
from assessments.models import Attempt, AttemptQuestion, AttemptStatus
from courses.models import LearningObjective


@dataclass(frozen=True)
class AttemptSummary:
    id: int
    assessment: str
    number: int
    status: str
    started_at: datetime
    deadline_at: datetime | None
    seconds_left: int | None
    submitted_at: datetime | None
    finalised_by: str
    feedback_policy: str
    grades_visible: bool
    max_score: Decimal
    score: Decimal | None
    percent: Decimal | None
    passed: bool | None


@dataclass(frozen=True)
class AttemptDetail(AttemptSummary):
    items: list[ItemForLearner]


def attempt_summary(*, attempt: Attempt, now: datetime) -> AttemptSummary:
    visible = grades_visible(attempt=attempt, now=now)
    in_progress = attempt.status == AttemptStatus.IN_PROGRESS
    return AttemptSummary(
        id=attempt.pk,
        assessment=attempt.assessment.slug,
        number=attempt.number,
        status=attempt.status,
        started_at=attempt.started_at,
        deadline_at=attempt.deadline_at,
        seconds_left=attempt.seconds_left(now) if in_progress else None,
        submitted_at=attempt.submitted_at,
        finalised_by=attempt.finalised_by,
        feedback_policy=attempt.assessment.feedback_policy,
        grades_visible=visible,
        max_score=attempt.max_score,
        score=attempt.score if visible else None,
        percent=attempt.percent if visible else None,
        passed=attempt.passed if visible else None,
    )


def attempt_detail(*, attempt: Attempt, now: datetime) -> AttemptDetail:
    """The attempt with its frozen questions as the learner may see them (one more query)."""
    summary = attempt_summary(attempt=attempt, now=now)
    return AttemptDetail(
        **summary.__dict__, items=attempt_items_for_learner(attempt=attempt, now=now)
    )


# Progress --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MasteryLine:
    """Points the learner earned on one section or objective, from their latest visible grades."""

    id: int
    slug: str
    title: str
    position: int
    points: Decimal
    max_points: Decimal

    @property
    def percent(self) -> int:
        return round(float(self.points / self.max_points) * 100) if self.max_points else 0

    @property
    def needs_review(self) -> bool:
        return not self.max_points or float(self.points / self.max_points) < MASTERY_THRESHOLD


@dataclass(frozen=True)
class LearnerProgress:
    sections: list[MasteryLine]
    objectives: list[MasteryLine]


def _latest_visible_items(
    *, learner: User, module_ids: frozenset[int] | None, now: datetime
) -> list[AttemptQuestion]:
    """Per question, the learner's latest graded answer among attempts whose grades they may see
    (the same rule as `attempt_selectors.mastery_for_learner`). Two queries."""
    items = (
        AttemptQuestion.objects.filter(
            attempt__learner=learner, attempt__status=AttemptStatus.SUBMITTED
        )
        .select_related("attempt__assessment", "question_version__question__section")
        .prefetch_related(
            Prefetch(
                "question_version__objectives",
                queryset=LearningObjective.objects.order_by("position"),
            )
        )
        .order_by("question_version__question_id", "-attempt__submitted_at")
    )
    if module_ids is not None:
        items = items.filter(attempt__assessment__module_id__in=module_ids)
    latest: dict[int, AttemptQuestion] = {}
    for item in items:
        question_id = item.question_version.question_id
        if question_id not in latest and grades_visible(attempt=item.attempt, now=now):
            latest[question_id] = item
    return list(latest.values())


def _add(totals: dict[int, list[Decimal]], key: int, item: AttemptQuestion) -> None:
    entry = totals.setdefault(key, [Decimal(0), Decimal(0)])
    entry[0] += item.points or Decimal(0)
    entry[1] += item.max_points


def progress_for_learner(
    *, learner: User, module_ids: frozenset[int] | None, now: datetime
) -> LearnerProgress:
    """Mastery per section and per learning objective, over the courses in scope."""
    items = _latest_visible_items(learner=learner, module_ids=module_ids, now=now)
    sections, objectives = {}, {}
    section_totals: dict[int, list[Decimal]] = {}
    objective_totals: dict[int, list[Decimal]] = {}
    for item in items:
        section = item.question_version.question.section
        sections[section.pk] = section
        _add(section_totals, section.pk, item)
        for objective in item.question_version.objectives.all():
            objectives[objective.pk] = objective
            _add(objective_totals, objective.pk, item)
    return LearnerProgress(
        sections=sorted(
            (
                MasteryLine(
                    id=pk,
                    slug=sections[pk].slug,
                    title=sections[pk].title,
                    position=sections[pk].position,
                    points=points,
                    max_points=max_points,
                )
                for pk, (points, max_points) in section_totals.items()
            ),
            key=lambda line: (line.position, line.id),
        ),
        objectives=sorted(
            (
                MasteryLine(
                    id=pk,
                    slug=objectives[pk].slug,
                    title=objectives[pk].text,
                    position=objectives[pk].position,
                    points=points,
                    max_points=max_points,
                )
                for pk, (points, max_points) in objective_totals.items()
            ),
            key=lambda line: (line.position, line.id),
        ),
    )
