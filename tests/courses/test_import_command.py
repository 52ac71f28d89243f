"""manage.py import_course: its report and its exit status."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from courses.management.commands.import_course import default_course_slug
from courses.models import Course, Section
from tests.courses.conftest import DEMO_MODULE

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_course", *args, stdout=out)
    return out.getvalue()


def test_it_imports_the_demo_file_and_prints_the_summary() -> None:
    output = _run(str(DEMO_MODULE))

    assert (
        "Imported 'Module 1.1: Docker & Containerization Basics' into course 'docker-basics'"
        in (output)
    )
    assert "sections    7 created, 0 updated, 0 unchanged" in output
    assert "block kinds bad_good_pair 8, code 11, command 61, diagram 4, table 1" in output
    assert "result      changed" in output
    assert Section.objects.count() == 7


def test_running_it_twice_reports_no_changes() -> None:
    _run(str(DEMO_MODULE))

    output = _run(str(DEMO_MODULE), "--course-slug", "docker-basics")

    assert "sections    0 created, 0 updated, 7 unchanged" in output
    assert "result      no changes" in output


def test_the_course_slug_and_title_can_be_chosen() -> None:
    _run(str(DEMO_MODULE), "--course-slug", "containers", "--course-title", "Containers to ECS")

    assert Course.objects.get().title == "Containers to ECS"
    assert Course.objects.get().slug == "containers"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\xff\xfe\x00\x00", "UTF-16"),
        (b"# Module 2.1: Nothing here\n", "No sections"),
    ],
)
def test_bad_input_exits_non_zero_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    # given
    path = tmp_path / "module-2-1-broken.md"
    path.write_bytes(content)

    # when
    with pytest.raises(CommandError, match=message):
        call_command("import_course", str(path))
    written = Course.objects.count()
    # (the command line closes the database connection on exit, so it runs last)
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_course", str(path)])

    # then
    assert written == 0
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().err


def test_a_missing_file_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_course", str(tmp_path / "missing.md")])

    assert exit_info.value.code == 1
    assert "Cannot read" in capsys.readouterr().err


def test_the_default_course_slug_comes_from_the_file_name() -> None:
    assert default_course_slug(Path("module-1-1-docker-basics.md")) == "docker-basics"
    assert default_course_slug(Path("kubernetes.md")) == "kubernetes"
