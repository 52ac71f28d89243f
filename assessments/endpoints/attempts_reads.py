"""What the learner API shows of attempts, decided before any serializer sees it.

Every grade-bearing value (score, percent, passed, per-question fraction and feedback) is None
unless `grades_visible` / `item_for_learner` allow it under the assessment's feedback policy, so a
serializer cannot leak what it is never given.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from assessments.models import Attempt, AttemptStatus
from assessments.selectors.attempts import (
    ItemForLearner,
    attempt_items_for_learner,
    grades_visible,
)


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
