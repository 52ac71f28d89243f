"""Writes of submissions: a learner submits; an instructor regrades one or all of a task's."""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from graders.data import GradingLimits
from practicals.models import (
    PracticalTask,
    RunTrigger,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Verdict,
)
from practicals.services.grading import submission_enqueue
from quayside.errors import DomainError

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
# A Dockerfile or a list of commands is typed in the browser; a few hundred lines at most.
MAX_TEXT_SUBMISSION_BYTES = 64 * 1024


class SubmissionRefusedError(DomainError):
    """The service refused; each refusal names its own `code` (and `status`, 409 by default)."""


@dataclass(frozen=True)
class SubmittedFiles:
    """What arrived from the form or the API, before any checks."""

    file_name: str
    content: bytes


def _check_files(kind: str, files: SubmittedFiles, max_upload_bytes: int) -> None:
    size = len(files.content)
    if size == 0:
        raise SubmissionRefusedError(code="empty", message="The submission is empty.", status=400)
    if kind == SubmissionKind.ARCHIVE:
        if not files.file_name.lower().endswith(ARCHIVE_SUFFIXES):
            raise SubmissionRefusedError(
                code="unsupported_archive",
                message="Upload the project as a .zip or .tar.gz archive.",
                status=400,
            )
        if size > max_upload_bytes:
            raise SubmissionRefusedError(
                code="too_large",
                message=f"The archive is larger than {max_upload_bytes // 1024} KB.",
                status=413,
            )
        return
    if size > MAX_TEXT_SUBMISSION_BYTES:
        raise SubmissionRefusedError(
            code="too_large",
            message=f"The text is longer than {MAX_TEXT_SUBMISSION_BYTES // 1024} KB.",
            status=413,
        )
    try:
        files.content.decode("utf-8")
    except UnicodeDecodeError:
        raise SubmissionRefusedError(
            code="not_text", message="The text is not valid UTF-8.", status=400
        ) from None


@transaction.atomic
def submission_create(
    *, learner: User, task_slug: str, files: SubmittedFiles, idempotency_key: str = ""
) -> Submission:
    """Store a learner's submission for the task's current version and queue it for grading.

    With an idempotency key the learner already used, nothing new is stored: the submission
    made with it is returned (the same task and content), or refused (409 `idempotency_key_reused`)
    when the key came with another task or other content.

    Locks the task row, so attempt numbers are handed out one at a time. Refuses while another
    submission of the learner's for this task is still being graded, and when no attempt is
    left (submissions that ended in an infrastructure error do not count).
    """
    task = (
        PracticalTask.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .filter(slug=task_slug, is_published=True)
        .first()
    )
    if task is None or task.current_version is None:
        raise SubmissionRefusedError(
            code="not_found", message=f"No practical task {task_slug!r}.", status=404
        )
    version = task.current_version
    if idempotency_key:
        earlier = (
            Submission.objects.filter(learner=learner, idempotency_key=idempotency_key)
            .select_related("task_version__task")
            .first()
        )
        if earlier is not None:
            same = (
                earlier.task_version.task_id == task.pk
                and earlier.sha256 == hashlib.sha256(files.content).hexdigest()
            )
            if not same:
                raise SubmissionRefusedError(
                    code="idempotency_key_reused",
                    message="This Idempotency-Key was used for another submission.",
                )
            return earlier
    max_upload = int(version.limits.get("max_upload_bytes", GradingLimits.max_upload_bytes))
    _check_files(version.submission_kind, files, max_upload)
    mine = Submission.objects.filter(learner=learner, task_version__task=task)
    if mine.exclude(status=SubmissionStatus.DONE).exists():
        raise SubmissionRefusedError(
            code="grading_in_progress",
            message="Your previous submission is still being graded; wait for its result.",
        )
    used = mine.exclude(verdict=Verdict.ERROR).count()
    if version.max_attempts is not None and used >= version.max_attempts:
        raise SubmissionRefusedError(
            code="no_attempts_left",
            message=f"You have used all {version.max_attempts} attempts at this task.",
        )
    last = mine.aggregate(last=Max("attempt_number"))["last"] or 0
    now = timezone.now()
    submission = Submission.objects.create(
        task_version=version,
        grading_version=version,
        learner=learner,
        attempt_number=last + 1,
        kind=version.submission_kind,
        file_name=files.file_name[:255],
        content=files.content,
        sha256=hashlib.sha256(files.content).hexdigest(),
        size_bytes=len(files.content),
        enqueued_at=now,
        idempotency_key=idempotency_key,
    )
    submission_enqueue(submission_id=submission.pk)
    return submission


def _requeue_fields(instructor: User, task: PracticalTask) -> dict[str, object]:
    return {
        "status": SubmissionStatus.QUEUED,
        "grading_version": task.current_version,
        "pending_trigger": RunTrigger.REGRADE,
        "pending_requested_by": instructor,
        "phase": "",
        "phase_started_at": None,
        "claims": 0,
        "infrastructure_failures": 0,
        "last_error": "",
        "enqueued_at": timezone.now(),
    }


@transaction.atomic
def submission_regrade(*, submission: Submission, instructor: User) -> Submission:
    """Grade a finished submission again against its task's current version.

    The earlier runs stay as history; the new run is added when grading ends. Refused (409)
    while the submission is still being graded. The verdict shown meanwhile is the last one.
    """
    task = PracticalTask.objects.select_related("current_version").get(
        pk=submission.task_version.task_id
    )
    updated = Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.DONE).update(
        **_requeue_fields(instructor, task)
    )
    if not updated:
        raise SubmissionRefusedError(
            code="grading_in_progress",
            message="This submission is being graded already; regrade it when that ends.",
        )
    submission_enqueue(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


@transaction.atomic
def task_submissions_regrade(*, task: PracticalTask, instructor: User) -> list[int]:
    """Regrade every finished submission of the task (all versions) against its current version.

    Submissions still in the queue are switched to the current version too; ones being graded
    right now are left alone. Returns the ids queued for regrading.
    """
    task = (
        PracticalTask.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=task.pk)
    )
    of_task = Submission.objects.filter(task_version__task=task)
    of_task.filter(status=SubmissionStatus.QUEUED).update(grading_version=task.current_version)
    ids = list(
        of_task.filter(status=SubmissionStatus.DONE)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Submission.objects.filter(Q(pk__in=ids), status=SubmissionStatus.DONE).update(
        **_requeue_fields(instructor, task)
    )
    for submission_id in ids:
        submission_enqueue(submission_id=submission_id)
    return ids
