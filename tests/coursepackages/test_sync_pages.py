"""The course sync pages: who may use them, preview then apply, history, CSRF and limits."""

import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import Role, User
from assessments.models import Question
from coursepackages import forms as sync_forms
from coursepackages.api import course_package_sync_folder
from coursepackages.models import CourseSync, SourceKind, SyncStatus
from courses.models import Course
from tests.coursepackages.conftest import SKELETON_SLUG, replace_in
from tests.coursepackages.test_sources import bare_repository  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

START = reverse("coursepackages:sync_start")
HISTORY = reverse("coursepackages:sync_history")


def _zip_bytes(folder: Path, target: Path) -> bytes:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target.read_bytes()


def _upload(client: Client, content: bytes) -> object:
    upload = SimpleUploadedFile("course.zip", content, content_type="application/zip")
    return client.post(START, {"package": upload})


@pytest.fixture
def package_zip(skeleton: Path, tmp_path: Path) -> bytes:
    return _zip_bytes(skeleton, tmp_path / "course.zip")


@pytest.fixture
def outsider(db: None) -> User:
    """An instructor who is staff of no course (with a password: a proven email, so a staff
    list that names them admits them)."""
    return User.objects.create_user(
        email="out@example.org", password="another-long-passphrase", role=Role.INSTRUCTOR
    )


def test_anonymous_visitors_are_sent_to_log_in_and_learners_refused(
    client: Client, learner: User
) -> None:
    for url in (START, HISTORY):
        assert client.get(url).status_code == 302
    client.force_login(learner)
    for url in (START, HISTORY):
        assert client.get(url).status_code == 403


def test_a_zip_is_previewed_then_applied_and_both_are_in_the_history(
    client: Client, instructor: User, package_zip: bytes
) -> None:
    client.force_login(instructor)

    # when the instructor uploads the package: a dry run, nothing written
    preview_response = _upload(client, package_zip)
    preview = CourseSync.objects.get()
    assert preview_response.status_code == 302
    assert preview.status == SyncStatus.PREVIEWED
    assert not Course.objects.filter(slug=SKELETON_SLUG).exists()
    page = client.get(reverse("coursepackages:sync_detail", args=[preview.pk])).content.decode()
    assert "What applying would change" in page
    assert f"{SKELETON_SLUG}-s1-example" in page
    assert "Apply these changes" in page

    # when they apply it
    applied_response = client.post(reverse("coursepackages:sync_apply", args=[preview.pk]))

    # then the course exists, the preview's zip is dropped, and the history shows both
    applied = CourseSync.objects.get(status=SyncStatus.APPLIED)
    assert applied_response.status_code == 302
    assert applied.preview_id == preview.pk
    assert applied.requested_by == instructor
    assert Question.objects.count() == 4
    assert CourseSync.objects.get(pk=preview.pk).package_zip is None
    history = client.get(HISTORY).content.decode()
    assert "Previewed (dry run)" in history
    assert "Applied" in history
    # and the preview cannot be applied twice
    again = client.post(reverse("coursepackages:sync_apply", args=[preview.pk]))
    assert again.status_code == 409
    assert CourseSync.objects.filter(status=SyncStatus.APPLIED).count() == 1


def test_a_second_upload_of_the_same_package_previews_no_changes(
    client: Client, instructor: User, skeleton: Path, package_zip: bytes
) -> None:
    course_package_sync_folder(path=skeleton)
    client.force_login(instructor)

    _upload(client, package_zip)

    preview = CourseSync.objects.filter(status=SyncStatus.PREVIEWED).get()
    page = client.get(reverse("coursepackages:sync_detail", args=[preview.pk])).content.decode()
    assert "No changes: the course already matches this package." in page


def test_an_invalid_package_shows_its_problems_and_writes_nothing(
    client: Client, instructor: User, skeleton: Path, tmp_path: Path
) -> None:
    replace_in(skeleton / "bank" / "01-the-first-idea.yaml", "type: true_false", "type: essay")
    client.force_login(instructor)

    _upload(client, _zip_bytes(skeleton, tmp_path / "bad.zip"))

    refused = CourseSync.objects.get()
    page = client.get(reverse("coursepackages:sync_detail", args=[refused.pk])).content.decode()
    assert refused.status == SyncStatus.REFUSED
    assert "bank/01-the-first-idea.yaml:2:" in page
    assert "Nothing was written" in page
    assert "Apply these changes" not in page
    assert client.post(reverse("coursepackages:sync_apply", args=[refused.pk])).status_code == 409
    assert not Course.objects.filter(slug=SKELETON_SLUG).exists()


def test_an_instructor_who_is_not_staff_of_the_course_may_not_sync_it_nor_see_its_history(
    client: Client, outsider: User, skeleton: Path, package_zip: bytes
) -> None:
    # given the course exists (its staff list does not name the outsider)
    course_package_sync_folder(path=skeleton)
    operator_sync = CourseSync.objects.get()
    client.force_login(outsider)

    # then the outsider can neither preview a new version nor see the course's syncs
    assert _upload(client, package_zip).status_code == 403  # type: ignore[attr-defined]
    detail = reverse("coursepackages:sync_detail", args=[operator_sync.pk])
    assert client.get(detail).status_code == 404
    assert SKELETON_SLUG not in client.get(HISTORY).content.decode()
    assert CourseSync.objects.count() == 1


def test_staff_named_in_course_yaml_may_sync_the_course(
    client: Client, outsider: User, skeleton: Path, tmp_path: Path
) -> None:
    replace_in(skeleton / "course.yaml", "staff: []", f"staff:\n- {outsider.email}")
    course_package_sync_folder(path=skeleton)
    client.force_login(outsider)

    response = _upload(client, _zip_bytes(skeleton, tmp_path / "again.zip"))

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert CourseSync.objects.filter(status=SyncStatus.PREVIEWED).count() == 1


def test_the_form_refuses_a_zip_over_the_limit_and_needs_one_source(
    client: Client, instructor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_forms, "MAX_PACKAGE_ZIP_BYTES", 10)
    client.force_login(instructor)

    too_big = _upload(client, b"x" * 11)
    neither = client.post(START, {})

    assert too_big.status_code == 422  # type: ignore[attr-defined]
    assert "the limit is 10 bytes" in too_big.content.decode()  # type: ignore[attr-defined]
    assert neither.status_code == 422
    assert not CourseSync.objects.exists()


def test_the_page_refuses_a_post_without_a_csrf_token(instructor: User, package_zip: bytes) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)

    response = _upload(client, package_zip)

    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not CourseSync.objects.exists()


def test_file_urls_are_refused_on_the_page_by_default(
    client: Client,
    instructor: User,
    bare_repository: tuple[Path, str],  # noqa: F811
) -> None:
    bare, _ = bare_repository
    client.force_login(instructor)

    response = client.post(START, {"git_url": f"file://{bare}", "git_branch": "main"})

    assert response.status_code == 422
    assert "must start with https://" in response.content.decode()
    assert not CourseSync.objects.exists()


@override_settings(COURSE_SYNC_GIT_SCHEMES=("https", "file"))
def test_a_git_branch_is_previewed_and_applied_at_the_previewed_commit(
    client: Client,
    instructor: User,
    bare_repository: tuple[Path, str],  # noqa: F811
) -> None:
    bare, sha = bare_repository
    client.force_login(instructor)

    client.post(START, {"git_url": f"file://{bare}", "git_branch": "main"})
    preview = CourseSync.objects.get()
    client.post(reverse("coursepackages:sync_apply", args=[preview.pk]))

    applied = CourseSync.objects.get(status=SyncStatus.APPLIED)
    assert (preview.source_kind, preview.commit_sha) == (SourceKind.GIT, sha)
    assert applied.commit_sha == sha
    assert Course.objects.filter(slug=SKELETON_SLUG).exists()
