"""The real pipeline on a real engine, through every door: `manage.py grade`, the portal and the
API (the Celery task run in-process). Every task's reference solution earns full marks; wrong
solutions fail exactly the checks the grader's own tests expect of them.

Without an engine these tests skip on a laptop but FAIL in CI (`CI=true`).
"""

import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import docker
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from coursepackages.api import course_package_sync_folder
from coursepackages.layout import DEMO_TASKS_DIR
from graders.tasks import COMMANDS_FILE, TaskDefinition, load_task, task_slugs
from practicals.models import GradingRun, Submission, SubmissionStatus
from practicals.tasks import grade_submission
from tests.conftest import PASSWORD
from tests.graders.pipeline.test_task_solutions import (
    EXPECTED_FAILURES,
    EXPECTED_REJECTIONS,
    STAND_IN_MESSAGES,
)
from tests.graders.sandbox.conftest import base_images, docker_client, image_cache_dir

__all__ = ["base_images", "docker_client", "image_cache_dir"]

pytestmark = [
    pytest.mark.docker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("base_images"),
]

SLUGS = task_slugs(DEMO_TASKS_DIR)


def _task(slug: str) -> TaskDefinition:
    return load_task(slug, directory=DEMO_TASKS_DIR)


WRONG = sorted((slug, flaw) for slug in SLUGS for flaw in _task(slug).wrong_solutions)
# Through the portal and the API: every reference plus one wrong solution per task, a stand-in
# for the app where the task has one (the CLI test covers every wrong solution; all three doors
# share one pipeline).
ONE_WRONG_PER_TASK = sorted(
    {
        slug: (slug, flaw)
        for slug, flaw in sorted(WRONG, key=lambda wrong: wrong in STAND_IN_MESSAGES)
    }.values()
)


@pytest.fixture
def loaded_tasks(db: None) -> None:
    course_package_sync_folder()
    cache.clear()


def _solution(slug: str, flaw: str | None) -> Mapping[str, bytes]:
    task = _task(slug)
    return task.reference_files if flaw is None else task.wrong_solutions[flaw]


def _expected_failures(slug: str, flaw: str | None) -> set[str]:
    """The checks that fail; none for a reference or a submission refused before it ran."""
    if flaw is None or (slug, flaw) in EXPECTED_REJECTIONS:
        return set()
    return EXPECTED_FAILURES[(slug, flaw)]


def _expected_verdict(slug: str, flaw: str | None) -> set[str]:
    if flaw is None:
        return {"passed"}
    if (slug, flaw) in EXPECTED_REJECTIONS:
        return {"rejected"}
    # Some flaws cost points without failing the task (e.g. a hadolint warning).
    return {"passed", "failed"}


def _zip(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def _grade_in_worker(submission_id: int) -> Submission:
    grade_submission.apply(args=[submission_id])
    return Submission.objects.get(pk=submission_id)


def _assert_graded(submission: Submission, slug: str, flaw: str | None) -> None:
    run = GradingRun.objects.get(submission=submission)
    failed = set(run.checks.filter(passed=False).values_list("check_id", flat=True))
    assert submission.status == SubmissionStatus.DONE
    assert failed == _expected_failures(slug, flaw), [c.message for c in run.checks.all()]
    if flaw is None:
        assert run.verdict == "passed"
        assert run.score == run.max_score
    else:
        assert run.score < run.max_score
    if (slug, flaw) in STAND_IN_MESSAGES:
        assert run.verdict == "failed"
        assert "whatever the score" in run.reason
    assert run.timings["total"] > 0


@pytest.mark.parametrize(("slug", "flaw"), [(slug, None) for slug in SLUGS] + WRONG)
def test_manage_py_grade(
    docker_client: docker.DockerClient, slug: str, flaw: str | None, tmp_path: Path
):
    folder = DEMO_TASKS_DIR / slug / ("reference" if flaw is None else f"wrong/{flaw}")
    out = io.StringIO()

    call_command("grade", str(folder), task=slug, stdout=out)

    report = json.loads(out.getvalue())
    failed = {check["id"] for check in report["checks"] if not check["passed"]}
    assert report["status"] == "done"
    assert failed == _expected_failures(slug, flaw)
    assert report["verdict"] in _expected_verdict(slug, flaw)
    if (slug, flaw) in EXPECTED_REJECTIONS:
        assert EXPECTED_REJECTIONS[(slug, flaw)] in report["reason"]
    if flaw is None:
        assert report["score"] == report["max_score"]
        assert report["passed"] is True
    else:
        assert report["score"] < report["max_score"]
    for check in report["checks"]:
        assert set(check) >= {"id", "passed", "points", "message", "section"}


@pytest.mark.parametrize(("slug", "flaw"), [(slug, None) for slug in SLUGS] + ONE_WRONG_PER_TASK)
def test_the_portal(loaded_tasks: None, learner: User, slug: str, flaw: str | None):
    files = _solution(slug, flaw)
    client = Client()
    assert client.login(email=learner.email, password=PASSWORD)
    kind = _task(slug).spec.submission_kind
    if kind == "dockerfile":
        form = {"dockerfile": files["Dockerfile"].decode()}
    elif kind == "commands":
        form = {"commands": files[COMMANDS_FILE].decode()}
    else:
        form = {"archive": SimpleUploadedFile("solution.zip", _zip(files))}

    response = client.post(f"/practice/tasks/{slug}/", form)
    submission = _grade_in_worker(Submission.objects.get(learner=learner).pk)
    status = client.get(f"/practice/submissions/{submission.pk}/status.json").json()
    page = client.get(f"/practice/submissions/{submission.pk}/").content.decode()

    assert response.status_code == 302
    _assert_graded(submission, slug, flaw)
    assert status["done"] is True
    assert ("Not passed" in page) is (submission.verdict != "passed")
    required = {item.check_id for item in _task(slug).spec.rubric if item.required}
    assert ("whatever the score" in page) is bool(required & _expected_failures(slug, flaw))
    assert "/docker-basics/module-1-1/" in page  # checks link to their sections


@pytest.mark.parametrize(("slug", "flaw"), [(slug, None) for slug in SLUGS] + ONE_WRONG_PER_TASK)
def test_the_api(loaded_tasks: None, learner: User, slug: str, flaw: str | None):
    files = _solution(slug, flaw)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=learner).key}")
    kind = _task(slug).spec.submission_kind
    url = f"/api/v1/practicals/tasks/{slug}/submissions/"
    if kind == "archive":
        upload = SimpleUploadedFile("solution.zip", _zip(files), "application/zip")
        response = api.post(url, {"file": upload}, format="multipart")
    else:
        text = files["Dockerfile" if kind == "dockerfile" else COMMANDS_FILE].decode()
        response = api.post(url, {"text": text}, format="json")

    assert response.status_code == 202, response.content
    submission = _grade_in_worker(response.json()["id"])
    result = api.get(response.json()["result_url"]).json()

    _assert_graded(submission, slug, flaw)
    assert result["passed"] is (submission.verdict == "passed")
    assert result["score"] == result["max_score"] or flaw is not None
    assert {c["id"] for c in result["checks"] if not c["passed"]} == _expected_failures(slug, flaw)
