import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from practicals.models import GradingRun, PracticalTask, Submission, SubmissionStatus
from practicals.services.grading import submission_grade
from tests.conftest import PASSWORD
from tests.practicals.conftest import GOOD_DOCKERFILE, FakeGrader, failing_result


def _client(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def learner_client(learner: User) -> Client:
    return _client(learner)


def _submit(client: Client, task: PracticalTask) -> Submission:
    response = client.post(
        reverse("practicals:task", args=[task.slug]), {"dockerfile": GOOD_DOCKERFILE}
    )
    assert response.status_code == 302
    return Submission.objects.latest("pk")


def test_the_task_page_shows_instructions_sections_limits_and_an_editor(
    learner_client: Client, task: PracticalTask
):
    response = learner_client.get(reverse("practicals:task", args=[task.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Dockerfile</strong>" in page  # Markdown rendered
    assert 'href="/docker-basics/module-1-1/container-security-best-practices/"' in page
    assert "python:3.11-slim-bookworm" in page
    assert 'name="dockerfile"' in page
    assert "<textarea" in page
    assert reverse("practicals:starter", args=[task.slug]) in page
    assert "70%" in page


def test_the_task_page_names_the_checks_that_must_pass_whatever_the_score(
    learner_client: Client, task: PracticalTask
):
    # given
    version = task.current_version
    version.rubric[0]["required"] = True
    version.save(update_fields=["rubric"])

    # when
    page = learner_client.get(reverse("practicals:task", args=[task.slug])).content.decode()

    # then
    assert "<code>build-succeeds</code> must pass whatever the score" in page
    assert "<code>image-user-not-root</code> must pass" not in page


def test_an_archive_task_shows_an_upload_field(learner_client: Client, task: PracticalTask):
    task.current_version.submission_kind = "archive"
    task.current_version.save()

    page = learner_client.get(reverse("practicals:task", args=[task.slug])).content.decode()

    assert 'type="file"' in page
    assert 'name="archive"' in page


def test_the_starter_project_downloads_as_a_zip(learner_client: Client, task: PracticalTask):
    response = learner_client.get(reverse("practicals:starter", args=[task.slug]))

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [f"{task.slug}/Dockerfile", f"{task.slug}/app.py"]
    assert archive.read(f"{task.slug}/app.py") == b'print("hello")\n'


def test_submitting_queues_the_job_and_shows_live_progress(
    learner_client: Client, task: PracticalTask, sent: list[int], django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit(learner_client, task)

    page = learner_client.get(
        reverse("practicals:submission", args=[submission.pk])
    ).content.decode()
    status = learner_client.get(
        reverse("practicals:submission_status", args=[submission.pk])
    ).json()

    assert sent == [submission.pk]
    assert 'data-status-url="' in page
    assert "js/practicals.js" in page
    assert status["status"] == SubmissionStatus.QUEUED
    assert status["done"] is False
    assert status["elapsed_seconds"] >= 0


def test_the_result_page_links_each_check_to_its_section(
    learner_client: Client, task: PracticalTask, sent: list[int], fake_grader: FakeGrader
):
    from practicals.grader_adapter import task_spec_for_version

    fake_grader.result = failing_result(task_spec_for_version(task.current_version))
    submission = _submit(learner_client, task)
    submission_grade(submission_id=submission.pk, worker="w")

    page = learner_client.get(
        reverse("practicals:submission", args=[submission.pk])
    ).content.decode()
    status = learner_client.get(
        reverse("practicals:submission_status", args=[submission.pk])
    ).json()

    assert "The container runs as root; add a USER line." in page
    assert "Section 4: Container-Security-Best-Practices" in page
    assert 'href="/docker-basics/module-1-1/container-security-best-practices/"' in page
    assert "Not passed" in page
    assert (status["done"], status["verdict"], status["score"]) == (True, "failed", "4.00")


def test_another_learner_cannot_see_a_submission(
    other_learner: User, learner_client: Client, task: PracticalTask, sent: list[int]
):
    submission = _submit(learner_client, task)
    other = _client(other_learner)

    assert other.get(reverse("practicals:submission", args=[submission.pk])).status_code == 404
    assert (
        other.get(reverse("practicals:submission_status", args=[submission.pk])).status_code == 404
    )


def test_a_second_submission_while_grading_is_refused_on_the_page(
    learner_client: Client, task: PracticalTask, sent: list[int]
):
    _submit(learner_client, task)

    response = learner_client.post(
        reverse("practicals:task", args=[task.slug]), {"dockerfile": GOOD_DOCKERFILE}
    )

    assert response.status_code == 409
    assert "is being graded" in response.content.decode()
    assert Submission.objects.count() == 1


def test_instructors_list_and_regrade_submissions(
    instructor: User,
    learner_client: Client,
    task: PracticalTask,
    sent: list[int],
    fake_grader: FakeGrader,
    django_capture_on_commit_callbacks,
):
    submission = _submit(learner_client, task)
    submission_grade(submission_id=submission.pk, worker="w")
    staff = _client(instructor)
    listing = staff.get(reverse("practicals:instructor_submissions", args=[task.slug]))

    with django_capture_on_commit_callbacks(execute=True):
        one = staff.post(reverse("practicals:instructor_regrade_submission", args=[submission.pk]))
    submission_grade(submission_id=submission.pk, worker="w")
    with django_capture_on_commit_callbacks(execute=True):
        every = staff.post(reverse("practicals:instructor_regrade_task", args=[task.slug]))

    assert listing.status_code == 200
    assert "Ada Lovelace" in listing.content.decode()
    assert (one.status_code, every.status_code) == (302, 302)
    assert GradingRun.objects.filter(submission=submission).count() == 2
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.QUEUED
    page = staff.get(reverse("practicals:submission", args=[submission.pk])).content.decode()
    assert "Earlier results" in page


def test_learners_cannot_reach_the_instructor_pages(
    learner_client: Client, task: PracticalTask, sent: list[int]
):
    submission = _submit(learner_client, task)

    assert (
        learner_client.get(
            reverse("practicals:instructor_submissions", args=[task.slug])
        ).status_code
        == 403
    )
    assert (
        learner_client.post(
            reverse("practicals:instructor_regrade_submission", args=[submission.pk])
        ).status_code
        == 403
    )


def test_anonymous_visitors_are_sent_to_log_in(client: Client, task: PracticalTask):
    response = client.get(reverse("practicals:task", args=[task.slug]))

    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
