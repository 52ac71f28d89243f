"""Packages from zips and git repositories, and every limit that keeps a hostile one out."""

import stat
import subprocess
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coursepackages import sources
from coursepackages.models import CourseSync, SourceKind, SyncStatus
from coursepackages.services import SyncRequest, course_package_sync
from coursepackages.sources import (
    PackageSourceError,
    package_from_git,
    package_from_zip,
    package_open,
)
from courses.models import Course
from tests.coursepackages.conftest import SKELETON_SLUG, replace_in

pytestmark = pytest.mark.django_db


def _zip(folder: Path, target: Path, *, top: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}{path.relative_to(folder).as_posix()}")
    return target


def _hostile_zip(target: Path, name: str, content: bytes = b"x", *, link: bool = False) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        info = zipfile.ZipInfo(name)
        if link:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, content)
    return target


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def bare_repository(skeleton: Path, tmp_path: Path) -> tuple[Path, str]:
    """A local bare repository holding the skeleton on branch `main`; returns (path, sha)."""
    work = tmp_path / "work"
    work.mkdir()
    _git("init", "-q", "-b", "main", cwd=work)
    for path in skeleton.rglob("*"):
        if path.is_file():
            destination = work / path.relative_to(skeleton)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(path.read_bytes())
    _git("add", ".", cwd=work)
    _git("-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-qm", "v1", cwd=work)
    bare = tmp_path / "course.git"
    _git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp_path)
    return bare, _git("rev-parse", "HEAD", cwd=work)


def test_a_zip_of_the_package_folder_syncs(skeleton: Path, tmp_path: Path) -> None:
    archive = _zip(skeleton, tmp_path / "course.zip", top=f"{SKELETON_SLUG}/")

    out = StringIO()
    call_command("sync_course", str(archive), stdout=out)

    assert Course.objects.filter(slug=SKELETON_SLUG).exists()
    assert "questions: 4 created" in out.getvalue()
    row = CourseSync.objects.get()
    assert (row.source_kind, row.status) == (SourceKind.ZIP, SyncStatus.APPLIED)


@pytest.mark.parametrize(
    ("name", "link", "message"),
    [
        ("../escape.txt", False, "zip slip"),
        ("/etc/cron.d/evil", False, "zip slip"),
        ("modules/..\\..\\evil.md", False, "zip slip"),
        ("modules/link.md", True, "links are not allowed"),
    ],
)
def test_a_hostile_zip_is_refused_before_anything_is_written(
    tmp_path: Path, name: str, link: bool, message: str
) -> None:
    archive = _hostile_zip(tmp_path / "evil.zip", name, b"/etc/passwd", link=link)

    with pytest.raises(PackageSourceError, match=message), package_from_zip(archive):
        pass

    assert not (tmp_path.parent / "escape.txt").exists()


def test_a_zip_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_PACKAGE_ZIP_BYTES", 100)
    archive = _hostile_zip(tmp_path / "big.zip", "course.yaml", b"x" * 1000)

    with pytest.raises(PackageSourceError, match="at most 100"), package_from_zip(archive):
        pass


def test_a_zip_bomb_is_refused_by_what_it_inflates_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_PACKAGE_BYTES", 10_000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("bank/zeros.yaml", b"0" * 1_000_000)

    with pytest.raises(PackageSourceError, match="unpacks to"), package_from_zip(archive):
        pass


def test_a_zip_with_too_many_files_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_PACKAGE_FILES", 3)
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as many:
        for number in range(4):
            many.writestr(f"bank/{number}.yaml", b"[]")

    with (
        pytest.raises(PackageSourceError, match="holds 4 files; at most 3"),
        package_from_zip(archive),
    ):
        pass


def test_a_folder_with_a_link_is_refused(skeleton: Path) -> None:
    (skeleton / "bank" / "secrets.yaml").symlink_to("/etc/passwd")

    with pytest.raises(CommandError, match="links are not allowed"):
        call_command("sync_course", str(skeleton), stdout=StringIO())

    assert not Course.objects.exists()


def test_a_git_repository_syncs_and_its_commit_is_recorded(
    bare_repository: tuple[Path, str],
) -> None:
    bare, sha = bare_repository

    out = StringIO()
    call_command("sync_course", f"file://{bare}", "--branch", "main", stdout=out)

    assert "questions: 4 created" in out.getvalue()
    row = CourseSync.objects.get()
    assert (row.source_kind, row.commit_sha, row.git_branch) == (SourceKind.GIT, sha, "main")


def test_an_unknown_branch_is_refused_with_gits_reason(
    bare_repository: tuple[Path, str],
) -> None:
    bare, _ = bare_repository

    with pytest.raises(CommandError, match="git clone failed"):
        call_command("sync_course", f"file://{bare}", "--branch", "nope", stdout=StringIO())

    assert not Course.objects.exists()


def test_a_clone_that_takes_too_long_is_stopped(
    bare_repository: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "GIT_CLONE_TIMEOUT_SECONDS", 0.001)
    bare, _ = bare_repository

    with (
        pytest.raises(PackageSourceError, match="took longer than"),
        package_from_git(f"file://{bare}"),
    ):
        pass


@pytest.mark.parametrize(
    ("url", "branch", "message"),
    [
        ("file:///srv/course.git", "", "must start with https://"),
        ("ext::sh -c touch% /tmp/pwned", "", "must start with https://"),
        ("https://example.org/course.git", "--upload-pack=evil", "not a branch name"),
        ("https://example.org/course.git", "main..evil", "not a branch name"),
    ],
)
def test_git_urls_and_branches_outside_the_allowed_shapes_are_refused(
    url: str, branch: str, message: str
) -> None:
    with (
        pytest.raises(PackageSourceError, match=message),
        package_from_git(url, branch=branch, schemes=("https",)),
    ):
        pass


def test_a_branch_applies_to_git_urls_only(skeleton: Path) -> None:
    with (
        pytest.raises(PackageSourceError, match="git URLs only"),
        package_open(str(skeleton), branch="main"),
    ):
        pass


def test_a_git_package_that_changed_syncs_as_a_new_version(
    bare_repository: tuple[Path, str], skeleton: Path, tmp_path: Path
) -> None:
    bare, _ = bare_repository
    with package_from_git(f"file://{bare}") as source:
        course_package_sync(
            source=source, request=SyncRequest(source_kind=SourceKind.GIT), dry_run=False
        )
    work = tmp_path / "work"
    replace_in(work / "bank" / "01-the-first-idea.yaml", "false: this example", "false: an example")
    _git("-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-qam", "v2", cwd=work)
    _git("push", "-q", str(bare), "main", cwd=work)

    with package_from_git(f"file://{bare}") as source:
        outcome = course_package_sync(
            source=source, request=SyncRequest(source_kind=SourceKind.GIT), dry_run=False
        )

    assert outcome.diff.names("questions", "new version") == [f"{SKELETON_SLUG}-s1-example"]
