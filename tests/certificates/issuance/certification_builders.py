"""Builders for certification tests: results as grading would leave them in other apps."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, Attempt, AttemptStatus
from courses.models import Module
from practicals.models import PracticalTask, PracticalTaskVersion, Submission, SubmissionKind
from tests.factories import submission_graded

SITE_URL = "https://quayside.test"
EXAM_SLUG = "docker-final-exam"
TASK_SLUGS = ("dockerfile-small-image", "compose-two-services")
_numbers = itertools.count(1)


def practical_task(module: Module, slug: str) -> PracticalTask:
    task = PracticalTask.objects.create(
        slug=slug, title=slug.replace("-", " ").title(), module=module
    )
    version = PracticalTaskVersion.objects.create(
        task=task,
        number=1,
        instructions_markdown="Do it.",
        submission_kind=SubmissionKind.DOCKERFILE,
        allowed_base_images=["alpine:3.20"],
        rubric=[],
        spec_sha256="0" * 64,
    )
    task.current_version = version
    task.save(update_fields=["current_version"])
    return task


def take_exam(
    learner: User,
    exam: Assessment,
    *,
    percent: int = 86,
    submitted_at: datetime | None = None,
) -> Attempt:
    submitted_at = submitted_at or timezone.now() - timedelta(minutes=5)
    return Attempt.objects.create(
        assessment=exam,
        learner=learner,
        number=next(_numbers),
        status=AttemptStatus.SUBMITTED,
        started_at=submitted_at - timedelta(minutes=30),
        submitted_at=submitted_at,
        score=Decimal(percent),
        max_score=Decimal(100),
        percent=Decimal(percent),
        passed=percent >= exam.passing_percent,
    )


def grade_submission(learner: User, task: PracticalTask, *, passed: bool = True) -> Submission:
    return submission_graded(learner=learner, task=task, passed=passed)


def meet_every_requirement(learner: User, exam: Assessment, tasks: list[PracticalTask]) -> None:
    take_exam(learner, exam)
    for task in tasks:
        grade_submission(learner, task)
