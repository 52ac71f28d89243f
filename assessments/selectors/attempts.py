"""Learner-facing reads of attempts: permission-aware getters and what a learner may see.

Every getter takes the learner and raises AttemptNotFound for another learner's attempt, so no
view does its own ownership check. Visibility of grades follows the assessment's feedback policy.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
    GradingMethod,
    exam_pool_withholds,
)
from assessments.question_types import QUESTION_TYPES
from quayside.errors import NotFoundError
from quayside.scope import ModuleScope, in_scope

if TYPE_CHECKING:  # types of related rows, reached through relations (docs: "Import rules")
    from courses.models import LearningObjective, Section

# A section below this share of points needs review.
MASTERY_THRESHOLD = 0.7
# Percents are stored with two decimal places (Attempt.percent).
PERCENT_PLACES = Decimal("0.01")


class AttemptNotFound(NotFoundError):
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
    # Checked under immediate feedback, and so locked.
    checked: bool
    # Drawn here before its question joined the exam pool: no longer shown, nor answerable.
    withheld: bool

    @classmethod
    def of(cls, item: AttemptQuestion) -> "ItemForSave":
        """From an item loaded with its attempt, assessment and question version (and its
        question)."""
        assessment = item.attempt.assessment
        return cls(
            item_id=item.pk,
            position=item.position,
            seed=item.seed,
            max_points=item.max_points,
            question_type=item.question_version.type,
            spec=item.question_version.spec,
            attempt=item.attempt,
            module_id=assessment.module_id,
            feedback_policy=assessment.feedback_policy,
            checked=item.checked_at is not None,
            withheld=exam_pool_withholds(
                kind=assessment.kind, exam_only=item.question_version.question.exam_only
            ),
        )


# Every learner saves an answer every few seconds during an exam, so this read is one narrow row
# in SQL: a queryset with three joins costs more to compile than PostgreSQL takes to run it.
_ITEM_FOR_SAVE_SQL = """
SELECT item.id, item.seed, item.max_points, item.checked_at, version.type, version.spec,
       attempt.assessment_id, attempt.status, attempt.deadline_at,
       assessment.module_id, assessment.feedback_policy, assessment.kind, question.exam_only
FROM assessments_attemptquestion AS item
JOIN assessments_attempt AS attempt ON attempt.id = item.attempt_id
JOIN assessments_assessment AS assessment ON assessment.id = attempt.assessment_id
JOIN assessments_questionversion AS version ON version.id = item.question_version_id
JOIN assessments_question AS question ON question.id = version.question_id
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
        checked_at,
        question_type,
        spec,
        assessment_id,
        status,
        deadline_at,
        module_id,
        feedback_policy,
        kind,
        exam_only,
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
        checked=checked_at is not None,
        withheld=exam_pool_withholds(kind=kind, exam_only=bool(exam_only)),
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive (in UTC, as Django stores them); PostgreSQL aware."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return moment.replace(tzinfo=UTC)


def attempt_list_for_learner(
    *, learner: User, assessment: Assessment | None = None, module_ids: ModuleScope = None
) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(
        in_scope("assessment__module_id", module_ids), learner=learner
    ).select_related("assessment")
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
    """Whether this question's grade and feedback may be shown: after submission as the policy
    and the review settings allow, or during the attempt once an immediate-feedback answer has
    been checked."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return (
            attempt.assessment.feedback_policy == FeedbackPolicy.IMMEDIATE
            and item.checked_at is not None
        )
    return grades_visible(attempt=attempt, now=now) and attempt.assessment.review_shows_item_grades


# What a learner sees instead of a question that joined the exam pool after their attempt at
# another assessment drew it: the exam pool is never shown outside the exam.
WITHDRAWN_PROMPT = (
    "This question has moved to the final exam's question pool, so it is no longer shown here."
)


@dataclass(frozen=True)
class ItemForLearner:
    position: int
    type: str
    view: dict[str, Any]
    response: Any
    saved: bool
    max_points: Decimal
    # Immediate feedback: the learner checked this answer, which graded and locked it.
    checked: bool = False
    # Withdrawn into the exam pool: no content, response or grade is shown.
    withheld: bool = False
    # Only set when the feedback policy allows it.
    fraction: float | None = None
    points: Decimal | None = None
    feedback: dict[str, Any] | None = None
    general_feedback: str | None = None
    section_id: int | None = None


def item_withheld(*, attempt: Attempt, item: AttemptQuestion) -> bool:
    return exam_pool_withholds(
        kind=attempt.assessment.kind, exam_only=item.question_version.question.exam_only
    )


def item_for_learner(*, attempt: Attempt, item: AttemptQuestion, now: datetime) -> ItemForLearner:
    """One frozen question as the learner may see it. `item` is loaded with its question version
    and question (attempt_questions_for_learner)."""
    version = item.question_version
    if item_withheld(attempt=attempt, item=item):
        return ItemForLearner(
            position=item.position,
            type=version.type,
            view={"type": version.type, "prompt": WITHDRAWN_PROMPT},
            response=None,
            saved=item.saved_at is not None,
            max_points=item.max_points,
            checked=item.checked_at is not None,
            withheld=True,
        )
    variant = item.variant
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
        checked=item.checked_at is not None,
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


def attempt_questions_for_learner(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The frozen questions of an attempt with what rendering and feedback need (one query, or
    none for an attempt that attempt_start has just created with its questions prefetched)."""
    if "questions" in getattr(attempt, "_prefetched_objects_cache", {}):
        return sorted(attempt.questions.all(), key=lambda item: item.position)
    return list(
        attempt.questions.select_related("question_version", "question_version__question").order_by(
            "position"
        )
    )


def attempt_items_for_learner(*, attempt: Attempt, now: datetime) -> list[ItemForLearner]:
    return [
        item_for_learner(attempt=attempt, item=item, now=now)
        for item in attempt_questions_for_learner(attempt=attempt)
    ]


# Results under the grading method ---------------------------------------------------------------


@dataclass(frozen=True)
class GradedResult:
    """A learner's result at one assessment under its grading method (highest, last, average)."""

    percent: Decimal
    passed: bool
    # The attempt that decides the result: for an average, the latest one.
    deciding: Attempt
    # How many attempts with visible grades the result is drawn from.
    attempts: int


def assessment_result_from_attempts(
    *, assessment: Assessment, attempts: Iterable[Attempt], now: datetime
) -> GradedResult | None:
    """The result of one learner's attempts at the assessment; None before any visible grade.

    Only attempts whose grades the learner may see count. No queries, so callers that prefetched
    the attempts of many assessments pay nothing more per assessment.
    """
    visible = sorted(
        (attempt for attempt in attempts if grades_visible(attempt=attempt, now=now)),
        key=lambda attempt: (attempt.submitted_at, attempt.number),
    )
    if not visible:
        return None
    if assessment.grading_method == GradingMethod.LAST:
        deciding = visible[-1]
        percent = deciding.percent or Decimal(0)
    elif assessment.grading_method == GradingMethod.AVERAGE:
        deciding = visible[-1]
        percent = (
            sum((attempt.percent or Decimal(0) for attempt in visible), Decimal(0)) / len(visible)
        ).quantize(PERCENT_PLACES)
    else:
        deciding = max(
            visible, key=lambda attempt: (attempt.percent or Decimal(0), attempt.submitted_at)
        )
        percent = deciding.percent or Decimal(0)
    return GradedResult(
        percent=percent,
        passed=percent >= assessment.passing_percent,
        deciding=deciding,
        attempts=len(visible),
    )


# Mastery -----------------------------------------------------------------------------------------


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
    def share(self) -> float:
        return float(self.points / self.max_points) if self.max_points else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def needs_review(self) -> bool:
        return self.share < MASTERY_THRESHOLD


@dataclass(frozen=True)
class SectionMastery(MasteryLine):
    # The section's page in the course reader, where a weak section is reviewed.
    url: str


@dataclass(frozen=True)
class LearnerMastery:
    sections: list[SectionMastery]
    objectives: list[MasteryLine]


def _latest_visible_items(
    *, learner: User, module_ids: frozenset[int] | None, now: datetime, since: datetime | None
) -> list[AttemptQuestion]:
    """Per question, the learner's latest graded answer among attempts whose grades they may see.

    Two queries: the items with their attempt, assessment and section (and the section's module
    and course, for its URL), then the objectives of their question versions.
    """
    items = (
        AttemptQuestion.objects.filter(
            attempt__learner=learner, attempt__status=AttemptStatus.SUBMITTED
        )
        .select_related(
            "attempt__assessment", "question_version__question__section__module__course"
        )
        # Unordered: mastery lines are sorted by position when they are built.
        .prefetch_related("question_version__objectives")
        .order_by("question_version__question_id", "-attempt__submitted_at")
    )
    if module_ids is not None:
        items = items.filter(attempt__assessment__module_id__in=module_ids)
    if since is not None:
        items = items.filter(attempt__started_at__gte=since)
    latest: dict[int, AttemptQuestion] = {}
    for item in items:
        question_id = item.question_version.question_id
        if question_id not in latest and grades_visible(attempt=item.attempt, now=now):
            latest[question_id] = item
    return list(latest.values())


def _by_position[Line: MasteryLine](lines: Iterable[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: (line.position, line.id))


def mastery_for_learner(
    *,
    learner: User,
    now: datetime,
    module_ids: frozenset[int] | None = None,
    since: datetime | None = None,
) -> LearnerMastery:
    """Mastery per section and per learning objective, from the learner's latest graded answer to
    each question they met, over the modules in scope (None: every module), in attempts started
    at or after `since` (None: ever).

    Only attempts whose grades the learner may see count, so mastery never leaks a hidden grade.
    """
    items = _latest_visible_items(learner=learner, module_ids=module_ids, now=now, since=since)
    section_totals: dict[Section, list[Decimal]] = {}
    objective_totals: dict[LearningObjective, list[Decimal]] = {}
    for item in items:
        _add(section_totals, item.question_version.question.section, item)
        for objective in item.question_version.objectives.all():
            _add(objective_totals, objective, item)
    return LearnerMastery(
        sections=_by_position(
            SectionMastery(
                id=section.pk,
                slug=section.slug,
                title=section.title,
                position=section.position,
                points=points,
                max_points=max_points,
                url=section.get_absolute_url(),
            )
            for section, (points, max_points) in section_totals.items()
        ),
        objectives=_by_position(
            MasteryLine(
                id=objective.pk,
                slug=objective.slug,
                title=objective.text,
                position=objective.position,
                points=points,
                max_points=max_points,
            )
            for objective, (points, max_points) in objective_totals.items()
        ),
    )


def _add[K](totals: dict[K, list[Decimal]], key: K, item: AttemptQuestion) -> None:
    entry = totals.setdefault(key, [Decimal(0), Decimal(0)])
    entry[0] += item.points or Decimal(0)
    entry[1] += item.max_points
