"""Builders for certification tests: results as grading would leave them in other apps."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, Attempt, AttemptStatus
from courses.models import Module
from practicals.models import (
    GradingRun,
    PracticalTask,
    PracticalTaskVersion,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Verdict,
)

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
    assert task.current_version is not None
    now = timezone.now() - timedelta(minutes=2)
    verdict = Verdict.PASSED if passed else Verdict.FAILED
    number = next(_numbers)
    submission = Submission.objects.create(
        task_version=task.current_version,
        learner=learner,
        attempt_number=number,
        kind=SubmissionKind.DOCKERFILE,
        file_name="Dockerfile",
        content=b"FROM alpine:3.20\n",
        sha256="1" * 64,
        size_bytes=17,
        status=SubmissionStatus.DONE,
        verdict=verdict,
        score=Decimal(9 if passed else 3),
        max_score=Decimal(10),
        finished_at=now,
    )
    GradingRun.objects.create(
        submission=submission,
        number=1,
        task_version=task.current_version,
        verdict=verdict,
        score=Decimal(9 if passed else 3),
        max_score=Decimal(10),
        image_digest=f"sha256:{number:064x}",
        started_at=now - timedelta(seconds=30),
        finished_at=now,
    )
    return submission


def meet_every_requirement(learner: User, exam: Assessment, tasks: list[PracticalTask]) -> None:
    take_exam(learner, exam)
    for task in tasks:
        grade_submission(learner, task)
