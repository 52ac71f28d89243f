import pytest
from django.db import IntegrityError

from accounts.models import User
from practicals.models import PracticalTask, SubmissionStatus, Verdict
from practicals.selectors import attempts_used
from practicals.services.submissions import (
    SubmissionRefusedError,
    SubmittedFiles,
    submission_create,
)
from tests.practicals.conftest import GOOD_DOCKERFILE

DOCKERFILE = SubmittedFiles("Dockerfile", GOOD_DOCKERFILE.encode())


def _finish(submission_id: int, verdict: str) -> None:
    from practicals.models import Submission

    Submission.objects.filter(pk=submission_id).update(
        status=SubmissionStatus.DONE, verdict=verdict
    )


def test_a_submission_stores_the_files_and_is_sent_for_grading_on_commit(
    learner: User, task: PracticalTask, sent: list[int], django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submission = submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)

    assert submission.status == SubmissionStatus.QUEUED
    assert submission.attempt_number == 1
    assert submission.task_version == task.current_version
    assert bytes(submission.content) == GOOD_DOCKERFILE.encode()
    assert submission.size_bytes == len(GOOD_DOCKERFILE)
    assert submission.sha256 == __import__("hashlib").sha256(GOOD_DOCKERFILE.encode()).hexdigest()
    assert len(callbacks) == 1
    assert sent == [submission.pk]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    learner: User, task: PracticalTask, sent: list[int], django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)

    assert sent == []
    assert len(callbacks) == 1


def test_it_refuses_a_second_submission_while_the_first_is_graded(
    learner: User, task: PracticalTask, sent: list[int]
):
    submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)

    with pytest.raises(SubmissionRefusedError) as refused:
        submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)

    assert refused.value.code == "grading_in_progress"


def test_attempts_are_numbered_and_an_infrastructure_error_costs_no_attempt(
    learner: User, task: PracticalTask, sent: list[int]
):
    task.current_version.max_attempts = 2
    task.current_version.save()
    first = submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)
    _finish(first.pk, Verdict.ERROR)
    second = submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)
    _finish(second.pk, Verdict.FAILED)
    third = submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)
    _finish(third.pk, Verdict.PASSED)

    assert [first.attempt_number, second.attempt_number, third.attempt_number] == [1, 2, 3]
    assert attempts_used(learner=learner, task=task) == 2
    with pytest.raises(SubmissionRefusedError) as refused:
        submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)
    assert refused.value.code == "no_attempts_left"


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (SubmittedFiles("Dockerfile", b""), "empty"),
        (SubmittedFiles("Dockerfile", b"\xff\xfe FROM"), "not_text"),
        (SubmittedFiles("Dockerfile", b"#" * (65 * 1024)), "too_large"),
    ],
)
def test_it_refuses_unusable_text(
    learner: User, task: PracticalTask, sent: list[int], files: SubmittedFiles, code: str
):
    with pytest.raises(SubmissionRefusedError) as refused:
        submission_create(learner=learner, task_slug=task.slug, files=files)

    assert refused.value.code == code
    assert sent == []


def test_archive_tasks_take_only_zip_or_tar_gz_within_the_upload_limit(
    learner: User, task: PracticalTask, sent: list[int]
):
    version = task.current_version
    version.submission_kind = "archive"
    version.limits = {"max_upload_bytes": 1000}
    version.save()

    with pytest.raises(SubmissionRefusedError) as wrong_type:
        submission_create(learner=learner, task_slug=task.slug, files=SubmittedFiles("p.rar", b"x"))
    with pytest.raises(SubmissionRefusedError) as too_big:
        submission_create(
            learner=learner, task_slug=task.slug, files=SubmittedFiles("p.zip", b"x" * 1001)
        )
    accepted = submission_create(
        learner=learner, task_slug=task.slug, files=SubmittedFiles("p.tar.gz", b"x" * 1000)
    )

    assert (wrong_type.value.code, too_big.value.code) == ("unsupported_archive", "too_large")
    assert accepted.kind == "archive"


def test_an_unpublished_task_takes_no_submissions(
    learner: User, task: PracticalTask, sent: list[int]
):
    task.is_published = False
    task.save()

    with pytest.raises(SubmissionRefusedError) as refused:
        submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)

    assert refused.value.status == 404


def test_the_database_refuses_a_duplicate_attempt_number(
    learner: User, task: PracticalTask, sent: list[int]
):
    from practicals.models import Submission

    first = submission_create(learner=learner, task_slug=task.slug, files=DOCKERFILE)

    with pytest.raises(IntegrityError):
        Submission.objects.create(
            task_version=first.task_version,
            learner=learner,
            attempt_number=1,
            kind="dockerfile",
            file_name="Dockerfile",
            content=b"x",
            sha256="0" * 64,
            size_bytes=1,
        )
