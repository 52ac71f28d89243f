"""What other apps may ask of assessments. Plain values out; no model crosses this door."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import User
from assessments.attempt_selectors import assessment_result_from_attempts, mastery_for_learner
from assessments.models import Assessment, Attempt, AttemptCycle, AttemptStatus

# Re-exported: a course package's sync loads its bank and catalogue through this door.
from assessments.services.bank import BankError as BankError
from assessments.services.bank import bank_questions_retire_missing as bank_questions_retire_missing
from assessments.services.bank import question_bank_load as question_bank_load
from assessments.services.catalogue import CatalogueError as CatalogueError
from assessments.services.catalogue import assessments_load as assessments_load
from assessments.services.drafts import drafts_generate as drafts_generate
from quayside.scope import ModuleScope, in_scope

__all__ = [
    "AssessmentResult",
    "SectionMasteryValue",
    "assessment_module_id",
    "assessment_result_for_learner",
    "assessment_titles",
    "attempt_cycle_open",
    "attempt_cycles_withdraw_after",
    "attempt_learner_id",
    "attempt_owner",
    "result_changes",
    "section_mastery_for_learner",
]


@dataclass(frozen=True)
class AssessmentResult:
    assessment_slug: str
    assessment_title: str
    passed: bool
    percent: Decimal
    # The attempt that decides the result under the grading method (evidence for certificates).
    deciding_attempt_id: int
    submitted_at: datetime
    attempts: int


@dataclass(frozen=True)
class SectionMasteryValue:
    section_id: int
    section_title: str
    percent: int


def attempt_learner_id(*, attempt_id: int) -> int | None:
    return Attempt.objects.filter(pk=attempt_id).values_list("learner_id", flat=True).first()


def attempt_owner(*, attempt_id: int) -> tuple[int, str] | None:
    """(learner id, assessment slug) of an attempt, or None if there is no such attempt."""
    row = (
        Attempt.objects.filter(pk=attempt_id).values_list("learner_id", "assessment__slug").first()
    )
    return None if row is None else (row[0], row[1])


def assessment_result_for_learner(
    *,
    learner_id: int,
    assessment_slug: str,
    now: datetime | None = None,
    started_since: datetime | None = None,
) -> AssessmentResult | None:
    """The learner's result under the assessment's grading method; None before any visible grade.

    With `started_since`, only attempts started at or after it count (a new certification cycle
    counts only new evidence).
    """
    now = now or timezone.now()
    assessment = Assessment.objects.filter(slug=assessment_slug).first()
    if assessment is None:
        return None
    attempts = Attempt.objects.filter(
        assessment=assessment, learner_id=learner_id, status=AttemptStatus.SUBMITTED
    ).select_related("assessment")
    if started_since is not None:
        attempts = attempts.filter(started_at__gte=started_since)
    result = assessment_result_from_attempts(assessment=assessment, attempts=attempts, now=now)
    if result is None:
        return None
    deciding = result.deciding
    assert deciding.submitted_at is not None
    return AssessmentResult(
        assessment_slug=assessment.slug,
        assessment_title=assessment.title,
        passed=result.passed,
        percent=result.percent,
        deciding_attempt_id=deciding.pk,
        submitted_at=deciding.submitted_at,
        attempts=result.attempts,
    )


def section_mastery_for_learner(
    *, learner_id: int, now: datetime | None = None, since: datetime | None = None
) -> list[SectionMasteryValue]:
    """Mastery per section; with `since`, only from attempts started at or after it."""
    learner = User.objects.get(pk=learner_id)
    mastery = mastery_for_learner(learner=learner, now=now or timezone.now(), since=since)
    return [
        SectionMasteryValue(section_id=line.id, section_title=line.title, percent=line.percent)
        for line in mastery.sections
    ]


def assessment_titles() -> list[tuple[str, str]]:
    """Every published assessment as (slug, title): what an LMS can place."""
    return list(
        Assessment.objects.filter(is_published=True)
        .order_by("title", "slug")
        .values_list("slug", "title")
    )


def assessment_module_id(*, slug: str) -> int | None:
    return Assessment.objects.filter(slug=slug).values_list("module_id", flat=True).first()


def result_changes(
    *,
    learner_ids: Iterable[int] | None,
    module_ids: ModuleScope,
    updated_since: datetime | None,
) -> "QuerySet[Any, Any]":
    """(learner, assessment) pairs whose submitted attempts changed since a moment, newest last.

    Rows are {"learner_id", "assessment__slug", "changed_at"}; scope filters in SQL. The result
    of each pair comes from `assessment_result_for_learner`, which applies the review policy.
    """
    attempts = Attempt.objects.filter(
        in_scope("assessment__module_id", module_ids),
        status=AttemptStatus.SUBMITTED,
        assessment__is_published=True,
    )
    if learner_ids is not None:
        attempts = attempts.filter(learner_id__in=learner_ids)
    changes = attempts.values("learner_id", "assessment__slug").annotate(
        changed_at=Max("submitted_at")
    )
    if updated_since is not None:
        changes = changes.filter(changed_at__gte=updated_since)
    return changes.order_by("changed_at", "learner_id", "assessment__slug")


def attempt_cycle_open(
    *,
    learner_id: int,
    assessment_slug: str,
    starts_at: datetime,
    attempts_allowed: int | None,
    reason: str,
) -> bool:
    """Give the learner a fresh allowance of attempts at the assessment from `starts_at` on (a
    new certification cycle); None means the assessment's own allowance. Idempotent: one cycle
    per start. False when there is no such assessment."""
    assessment = Assessment.objects.filter(slug=assessment_slug).first()
    if assessment is None:
        return False
    AttemptCycle.objects.update_or_create(
        assessment=assessment,
        learner_id=learner_id,
        starts_at=starts_at,
        defaults={
            "attempts_allowed": assessment.attempts_allowed
            if attempts_allowed is None
            else attempts_allowed,
            "reason": reason[:200],
        },
    )
    return True


def attempt_cycles_withdraw_after(*, learner_id: int, assessment_slug: str, after: datetime) -> int:
    """Cancel the learner's cycles that have not begun by `after` (a certificate revoked before
    the expiry that would have opened one); how many were cancelled."""
    deleted, _ = AttemptCycle.objects.filter(
        assessment__slug=assessment_slug, learner_id=learner_id, starts_at__gt=after
    ).delete()
    return deleted


def assessment_course_id(*, slug: str) -> int | None:
    """The course an assessment belongs to (an LMS placement enrols into it)."""
    rows = Assessment.objects.filter(slug=slug).values_list("module__course_id", flat=True)
    return rows.first()
