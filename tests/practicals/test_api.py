import io
import tarfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from practicals.grader_adapter import task_spec_for_version
from practicals.models import GradingRun, PracticalTask, Submission
from practicals.services.grading import submission_grade
from tests.practicals.conftest import GOOD_DOCKERFILE, FakeGrader, failing_result

BASE = "/api/v1/practicals"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


def _api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api(learner: User) -> APIClient:
    return _api(learner)


def _submit(api: APIClient, task: PracticalTask) -> dict:
    response = api.post(
        f"{BASE}/tasks/{task.slug}/submissions/", {"text": GOOD_DOCKERFILE}, format="json"
    )
    assert response.status_code == 202, response.content
    return response.json()


def test_the_task_is_described_without_check_parameters(api: APIClient, task: PracticalTask):
    listing = api.get(f"{BASE}/tasks/").json()
    detail = api.get(f"{BASE}/tasks/{task.slug}/").json()

    assert [item["slug"] for item in listing["results"]] == [task.slug]
    assert detail["submission_kind"] == "dockerfile"
    assert detail["max_points"] == 10.0
    assert detail["rubric"][1] == {
        "check": "image-user-not-root",
        "points": 6.0,
        "section": "container-security-best-practices",
        "must_pass": False,
    }
    assert detail["sections"][0]["url"].startswith("/docker-basics/module-1-1/")
    assert detail["starter_files"] == ["Dockerfile", "app.py"]
    assert "params" not in str(detail)


def test_submit_poll_and_read_the_result(
    api: APIClient,
    task: PracticalTask,
    sent: list[int],
    fake_grader: FakeGrader,
    django_capture_on_commit_callbacks,
):
    fake_grader.result = failing_result(task_spec_for_version(task.current_version))
    with django_capture_on_commit_callbacks(execute=True):
        created = _submit(api, task)
    queued = api.get(f"{BASE}/submissions/{created['id']}/").json()
    early = api.get(f"{BASE}/submissions/{created['id']}/result/")
    submission_grade(submission_id=created["id"], worker="w")

    done = api.get(f"{BASE}/submissions/{created['id']}/").json()
    result = api.get(created["result_url"]).json()

    assert sent == [created["id"]]
    assert (created["status"], created["attempt_number"], created["task"]) == (
        "queued",
        1,
        task.slug,
    )
    assert queued["done"] is False
    assert early.status_code == 409
    assert early.json()["code"] == "not_graded_yet"
    assert (done["status"], done["verdict"], done["score"]) == ("done", "failed", 4.0)
    assert (result["verdict"], result["passed"], result["score"], result["max_score"]) == (
        "failed",
        False,
        4.0,
        10.0,
    )
    failed = result["checks"][1]
    assert failed["id"] == "image-user-not-root"
    assert failed["passed"] is False
    assert failed["message"] == "The container runs as root; add a USER line."
    assert failed["section_url"] == "/docker-basics/module-1-1/container-security-best-practices/"
    assert "evidence" not in failed
    assert [run["number"] for run in result["history"]] == [1]


def test_an_archive_is_uploaded_as_multipart(api: APIClient, task: PracticalTask, sent: list[int]):
    task.current_version.submission_kind = "archive"
    task.current_version.save()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(GOOD_DOCKERFILE)
        archive.addfile(info, io.BytesIO(GOOD_DOCKERFILE.encode()))
    upload = SimpleUploadedFile("project.tar.gz", buffer.getvalue(), "application/gzip")

    response = api.post(
        f"{BASE}/tasks/{task.slug}/submissions/", {"file": upload}, format="multipart"
    )

    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "archive"
    assert bytes(Submission.objects.get().content) == buffer.getvalue()


def test_the_wrong_input_for_the_task_kind_is_a_validation_problem(
    api: APIClient, task: PracticalTask, sent: list[int]
):
    response = api.post(f"{BASE}/tasks/{task.slug}/submissions/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "text"


def test_a_second_submission_while_grading_is_a_conflict(
    api: APIClient, task: PracticalTask, sent: list[int]
):
    _submit(api, task)

    response = api.post(f"{BASE}/tasks/{task.slug}/submissions/", {"text": "FROM x"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "grading_in_progress"


def test_another_learners_submission_is_not_found(
    api: APIClient, other_learner: User, task: PracticalTask, sent: list[int]
):
    created = _submit(api, task)
    other = _api(other_learner)

    assert other.get(f"{BASE}/submissions/{created['id']}/").status_code == 404
    assert other.get(f"{BASE}/submissions/{created['id']}/result/").status_code == 404
    assert other.get(f"{BASE}/submissions/").json()["results"] == []


def test_instructors_regrade_one_or_all_and_see_the_history_with_evidence(
    api: APIClient, instructor: User, task: PracticalTask, sent: list[int], fake_grader: FakeGrader
):
    created = _submit(api, task)
    submission_grade(submission_id=created["id"], worker="w")
    staff = _api(instructor)

    one = staff.post(f"{BASE}/manage/submissions/{created['id']}/regrade/")
    busy = staff.post(f"{BASE}/manage/submissions/{created['id']}/regrade/")
    submission_grade(submission_id=created["id"], worker="w")
    every = staff.post(f"{BASE}/manage/tasks/{task.slug}/regrade/")
    submission_grade(submission_id=created["id"], worker="w")
    history = staff.get(f"{BASE}/manage/submissions/{created['id']}/").json()
    listing = staff.get(f"{BASE}/manage/tasks/{task.slug}/submissions/").json()

    assert (one.status_code, busy.status_code, every.status_code) == (202, 409, 202)
    assert every.json() == {"task": task.slug, "task_version": 1, "queued": [created["id"]]}
    assert [run["number"] for run in history["runs"]] == [3, 2, 1]
    assert [run["trigger"] for run in history["runs"]] == ["regrade", "regrade", "submission"]
    assert history["runs"][0]["checks"][0]["evidence"] == {"seen": True}
    assert history["runs"][0]["requested_by"] == instructor.email
    assert listing["results"][0]["learner"]["email"] == "ada@example.org"
    assert GradingRun.objects.count() == 3


def test_learners_cannot_use_the_instructor_endpoints(
    api: APIClient, task: PracticalTask, sent: list[int]
):
    created = _submit(api, task)

    assert api.post(f"{BASE}/manage/submissions/{created['id']}/regrade/").status_code == 403
    assert api.post(f"{BASE}/manage/tasks/{task.slug}/regrade/").status_code == 403
    assert api.get(f"{BASE}/manage/tasks/{task.slug}/submissions/").status_code == 403
    assert APIClient().get(f"{BASE}/tasks/").status_code == 401


def test_the_status_endpoint_uses_few_queries(
    api: APIClient, task: PracticalTask, sent: list[int], django_assert_max_num_queries
):
    created = _submit(api, task)

    with django_assert_max_num_queries(4):
        api.get(f"{BASE}/submissions/{created['id']}/")


def test_a_repeated_submission_with_the_same_idempotency_key_is_the_same_submission(
    api: APIClient, task: PracticalTask, sent: list[int]
) -> None:
    url = f"{BASE}/tasks/{task.slug}/submissions/"
    body = {"text": GOOD_DOCKERFILE}

    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="lms-retry-1")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="lms-retry-1")
    other_content = api.post(
        url, {"text": "FROM alpine:3.20\n"}, format="json", HTTP_IDEMPOTENCY_KEY="lms-retry-1"
    )
    malformed = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="has space")

    assert first.status_code == 202
    assert again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert Submission.objects.count() == 1
    assert other_content.status_code == 409
    assert other_content.json()["code"] == "idempotency_key_reused"
    assert malformed.status_code == 400
