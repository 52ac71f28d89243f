"""What an LMS can place, where a launch lands, and the result each placement reports.

Everything here reads other apps through their `api` modules, and each result obeys the rules of
the app that owns it: an assessment's result exists only once its feedback policy lets the
learner see the grade, so no score reaches a gradebook before the review policy allows.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from django.urls import reverse

from assessments.api import assessment_course_id, assessment_result_for_learner, assessment_titles
from certificates.api import REVOKED, certificate_change_get, program_course_id, program_titles
from courses.api import course_first_module, course_id_for, course_titles
from lti.models import TargetKind
from practicals.api import task_course_id, task_result_for_learner, task_titles

# Every score goes back as a percentage, so a gradebook column means the same for every kind.
SCORE_MAXIMUM: Final = Decimal(100)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    slug: str
    title: str


@dataclass(frozen=True)
class Result:
    """A learner's gradebook entry for one target; `version` changes whenever it does."""

    version: str
    score_given: Decimal
    score_maximum: Decimal
    activity_progress: str
    grading_progress: str
    comment: str
    reached_at: datetime


def linkable_targets() -> dict[TargetKind, list[Target]]:
    titles = {
        TargetKind.ASSESSMENT: assessment_titles(),
        TargetKind.PRACTICAL_TASK: task_titles(),
        TargetKind.CERTIFICATION_PROGRAM: program_titles(),
        TargetKind.COURSE: course_titles(),
    }
    return {
        kind: [Target(kind=kind, slug=slug, title=title) for slug, title in pairs]
        for kind, pairs in titles.items()
    }


def target_get(*, kind: str, slug: str) -> Target | None:
    if kind not in TargetKind.values:
        return None
    for target in linkable_targets()[TargetKind(kind)]:
        if target.slug == slug:
            return target
    return None


def target_course_id(*, kind: str, slug: str) -> int | None:
    """The course a placement's target belongs to: a launch enrols its learner there."""
    if kind == TargetKind.ASSESSMENT:
        return assessment_course_id(slug=slug)
    if kind == TargetKind.PRACTICAL_TASK:
        return task_course_id(slug=slug)
    if kind == TargetKind.CERTIFICATION_PROGRAM:
        return program_course_id(slug=slug)
    return course_id_for(course_slug=slug)


def target_landing_url(*, kind: str, slug: str) -> str:
    """Where a launch of the target lands (a page of the portal)."""
    if kind == TargetKind.ASSESSMENT:
        return reverse("portal:assessment", args=[slug])
    if kind == TargetKind.PRACTICAL_TASK:
        return reverse("practicals:task", args=[slug])
    if kind == TargetKind.CERTIFICATION_PROGRAM:
        return reverse("certificates:mine")
    module = course_first_module(course_slug=slug)
    if module is None:
        return reverse("courses:home")
    return reverse("courses:module", args=[module.course_slug, module.slug])


def result_for_learner(*, kind: str, slug: str, learner_id: int) -> Result | None:
    """The learner's current result on the target, or None while there is none to report."""
    if kind == TargetKind.ASSESSMENT:
        exam = assessment_result_for_learner(learner_id=learner_id, assessment_slug=slug)
        if exam is None:
            return None
        return Result(
            version=f"attempt-{exam.deciding_attempt_id}-{exam.percent}-{exam.attempts}",
            score_given=min(exam.percent, SCORE_MAXIMUM),
            score_maximum=SCORE_MAXIMUM,
            activity_progress="Completed",
            grading_progress="FullyGraded",
            comment="Passed." if exam.passed else "Not passed.",
            reached_at=exam.submitted_at,
        )
    if kind == TargetKind.PRACTICAL_TASK:
        task = task_result_for_learner(learner_id=learner_id, task_slug=slug)
        if task is None or task.max_score <= 0:
            return None
        percent = (task.score / task.max_score * SCORE_MAXIMUM).quantize(Decimal("0.001"))
        return Result(
            version=f"submission-{task.submission_id}-{task.score}-{task.graded_at.timestamp()}",
            score_given=min(percent, SCORE_MAXIMUM),
            score_maximum=SCORE_MAXIMUM,
            activity_progress="Completed",
            grading_progress="FullyGraded",
            comment="Passed." if task.passed else "Not passed.",
            reached_at=task.graded_at,
        )
    return None


def certificate_result(*, certificate_id: int) -> tuple[str, int, Result] | None:
    """(program slug, learner id, result) for a certificate just issued or revoked."""
    change = certificate_change_get(certificate_id=certificate_id)
    if change is None:
        return None
    revoked = change.status == REVOKED
    reached_at = change.revoked_at if revoked and change.revoked_at else change.issued_at
    result = Result(
        version=f"certificate-{change.certificate_id}-{'revoked' if revoked else 'issued'}",
        score_given=Decimal(0) if revoked else SCORE_MAXIMUM,
        score_maximum=SCORE_MAXIMUM,
        activity_progress="Completed",
        grading_progress="FullyGraded",
        comment=(
            f"Certificate {change.verification_code} revoked: {change.revocation_reason}"
            if revoked
            else f"Certified: {change.program_title} ({change.verification_code})."
        )[:500],
        reached_at=reached_at,
    )
    return change.program_slug, change.learner_id, result
