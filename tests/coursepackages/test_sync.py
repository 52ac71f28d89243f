"""The package sync: idempotent, dry runs write nothing, all or nothing with file:line problems,
new versions for changed questions and tasks (attempts keep theirs), retirement."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role, User
from assessments.models import Assessment, Attempt, Question, QuestionStatus, QuestionVersion
from assessments.services.attempts import attempt_start
from certificates.models import CertificationProgram
from coursepackages.api import course_package_sync_folder
from coursepackages.layout import BANK_DIR, CERTIFICATION_FILE, DEMO_PACKAGE_DIR, TASKS_DIR
from coursepackages.models import CourseSync, SyncStatus
from coursepackages.problems import PackageInvalid
from courses.models import Course
from practicals.models import PracticalTask
from tests.coursepackages.conftest import SKELETON_SLUG, replace_in

pytestmark = pytest.mark.django_db

FIRST_BANK_FILE = f"{BANK_DIR}/01-the-first-idea.yaml"


def _sync_command(*args: str) -> str:
    out = StringIO()
    call_command("sync_course", *args, stdout=out)
    return out.getvalue()


def test_the_docker_package_syncs_once_then_changes_nothing_and_its_dry_run_is_empty() -> None:
    # given the Docker package synced once
    first = _sync_command(str(DEMO_PACKAGE_DIR))
    rows_after_first = (Question.objects.count(), QuestionVersion.objects.count())

    # when it is synced again, dry and then for real
    dry = _sync_command(str(DEMO_PACKAGE_DIR), "--dry-run")
    second = _sync_command("--demo")

    # then the first created everything and the next two changed nothing
    assert "questions: 105 created" in first
    assert "tasks: 4 created" in first
    assert "changes: yes" in first
    for output in (dry, second):
        assert "changes: none" in output
        assert "questions: 105 unchanged" in output
        for action in ("created", "new version", "retired"):
            assert action not in output
    assert (Question.objects.count(), QuestionVersion.objects.count()) == rows_after_first
    assert list(CourseSync.objects.values_list("status", flat=True).order_by("pk")) == [
        SyncStatus.APPLIED,
        SyncStatus.PREVIEWED,
        SyncStatus.APPLIED,
    ]


def test_a_dry_run_writes_nothing_but_its_history_row(skeleton: Path) -> None:
    outcome = course_package_sync_folder(path=skeleton, dry_run=True)

    assert outcome.diff.count("questions", "created") == 4
    assert outcome.diff.count("assessments", "created") == 4
    assert not Course.objects.exists()
    assert not Question.objects.exists()
    assert not Assessment.objects.exists()
    assert not PracticalTask.objects.exists()
    assert not CertificationProgram.objects.exists()
    row = CourseSync.objects.get()
    assert (row.status, row.course_slug) == (SyncStatus.PREVIEWED, SKELETON_SLUG)


def test_problems_name_file_and_line_and_nothing_is_written(skeleton: Path) -> None:
    # given a package with a bad section in a question (line 3) and an unknown course.yaml field
    replace_in(skeleton / FIRST_BANK_FILE, "section: the-first-idea", "section: no-such-section")
    with (skeleton / "course.yaml").open("a") as course_file:
        course_file.write("colour: blue\n")
    course_line = len((skeleton / "course.yaml").read_text().splitlines())

    # when it is synced
    with pytest.raises(PackageInvalid) as refused:
        course_package_sync_folder(path=skeleton)

    # then course.yaml is reported first (nothing else is read without a usable manifest)
    assert [str(p) for p in refused.value.problems] == [
        f"course.yaml:{course_line}: unknown field 'colour'"
    ]
    replace_in(skeleton / "course.yaml", "colour: blue\n", "")
    with pytest.raises(PackageInvalid) as refused:
        course_package_sync_folder(path=skeleton)
    problems = [str(p) for p in refused.value.problems]
    assert problems == [
        f"{FIRST_BANK_FILE}:2: {SKELETON_SLUG}-s1-example: unknown section 'no-such-section'"
    ]
    assert not Course.objects.exists()
    assert not Question.objects.exists()
    assert CourseSync.objects.filter(status=SyncStatus.REFUSED).count() == 2


def test_yaml_syntax_errors_are_reported_at_their_line(skeleton: Path) -> None:
    path = skeleton / "assessments.yaml"
    lines = path.read_text().splitlines()
    lines.insert(4, "  broken: [unclosed")
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(CommandError) as refused:
        _sync_command(str(skeleton))

    assert "assessments.yaml:6: not valid YAML" in str(refused.value)
    assert not Course.objects.exists()


def test_a_changed_question_gets_a_new_version_and_an_open_attempt_keeps_its_own(
    skeleton: Path,
) -> None:
    # given the package synced and a learner's quiz attempt in progress
    course_package_sync_folder(path=skeleton)
    learner = User.objects.create_user(email="lin@example.org", password=None, role=Role.LEARNER)
    quiz = Assessment.objects.get(slug="quiz-the-first-idea")
    attempt = attempt_start(learner=learner, assessment=quiz)
    drawn = attempt.questions.get().question_version
    key = f"{SKELETON_SLUG}-s1-example"
    assert drawn.question.key == key

    # when the question's prompt changes in the package and it is synced again
    replace_in(
        skeleton / FIRST_BANK_FILE, "True or false: this example", "True or false: the example"
    )
    outcome = course_package_sync_folder(path=skeleton)

    # then the question has a new version, and the open attempt still holds the first
    assert outcome.diff.names("questions", "new version") == [key]
    assert outcome.diff.count("questions", "unchanged") == 3
    question = Question.objects.get(key=key)
    assert question.current_version is not None
    assert question.current_version.number == 2
    assert Attempt.objects.get(pk=attempt.pk).questions.get().question_version_id == drawn.pk


def test_a_changed_task_gets_a_new_version(skeleton: Path) -> None:
    course_package_sync_folder(path=skeleton)
    task_file = skeleton / TASKS_DIR / f"{SKELETON_SLUG}-first-dockerfile" / "task.yaml"
    replace_in(task_file, "pass_percent: 60", "pass_percent: 70")

    outcome = course_package_sync_folder(path=skeleton)

    assert outcome.diff.names("tasks", "new version") == [f"{SKELETON_SLUG}-first-dockerfile v2"]
    task = PracticalTask.objects.get()
    assert task.versions.count() == 2


def test_items_gone_from_the_package_are_retired_not_deleted(skeleton: Path) -> None:
    # given a package with an extra question and a certification program, synced
    bank_file = skeleton / FIRST_BANK_FILE
    extra = (
        bank_file.read_text()
        .split("- key: ", 2)[1]
        .replace(f"{SKELETON_SLUG}-s1-example", f"{SKELETON_SLUG}-s1-extra", 1)
    )
    bank_file.write_text(bank_file.read_text() + "- key: " + extra)
    course_package_sync_folder(path=skeleton)
    assert Question.objects.filter(status=QuestionStatus.READY).count() == 5

    # when the extra question, the certification file and the task leave the package
    bank_file.write_text(bank_file.read_text().rsplit("- key: ", 1)[0])
    (skeleton / CERTIFICATION_FILE).unlink()
    (task_folder,) = (skeleton / TASKS_DIR).iterdir()
    kept_task = task_folder.rename(skeleton.parent / "kept-task")
    outcome = course_package_sync_folder(path=skeleton)

    # then all three are retired (kept for the evidence that points at them)
    assert outcome.diff.names("questions", "retired") == [f"{SKELETON_SLUG}-s1-extra"]
    assert outcome.diff.names("certification programs", "retired") == [f"{SKELETON_SLUG}-certified"]
    assert outcome.diff.names("tasks", "retired") == [task_folder.name]
    assert Question.objects.get(key=f"{SKELETON_SLUG}-s1-extra").status == QuestionStatus.RETIRED
    assert CertificationProgram.objects.get().is_active is False
    assert PracticalTask.objects.get(slug=task_folder.name).is_published is False
    # and a third sync has nothing left to retire
    assert not course_package_sync_folder(path=skeleton).diff.changed

    # when the task comes back, it is published again, at the version it had
    kept_task.rename(task_folder)
    back = course_package_sync_folder(path=skeleton)
    assert back.diff.names("tasks", "updated") == [f"{task_folder.name} v1"]
    assert PracticalTask.objects.get(slug=task_folder.name).is_published is True


def test_the_package_staff_list_becomes_the_course_staff(skeleton: Path) -> None:
    replace_in(skeleton / "course.yaml", "staff: []", "staff:\n- Teacher@Example.org")

    first = course_package_sync_folder(path=skeleton)
    replace_in(skeleton / "course.yaml", "- Teacher@Example.org", "- other@example.org")
    second = course_package_sync_folder(path=skeleton)

    assert first.diff.names("staff", "created") == ["teacher@example.org"]
    assert second.diff.names("staff", "created") == ["other@example.org"]
    assert second.diff.names("staff", "retired") == ["teacher@example.org"]


def test_a_staff_entry_that_is_not_an_email_is_refused_at_its_line(skeleton: Path) -> None:
    replace_in(skeleton / "course.yaml", "staff: []", "staff:\n- not-an-email")
    line = (skeleton / "course.yaml").read_text().splitlines().index("- not-an-email") + 1

    with pytest.raises(PackageInvalid) as refused:
        course_package_sync_folder(path=skeleton)

    assert str(refused.value.problems[0]).startswith(f"course.yaml:{line}: 'not-an-email'")


def test_a_package_without_course_yaml_is_refused(skeleton: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(skeleton, bare)
    (bare / "course.yaml").unlink()

    with pytest.raises(CommandError, match=r"course\.yaml:1: the package has no course\.yaml"):
        _sync_command(str(bare))


def test_a_package_cannot_claim_another_courses_questions_assessments_or_programs(
    skeleton: Path, tmp_path: Path
) -> None:
    # given one course synced, and a second package that reuses its question key
    from coursepackages.skeleton import course_skeleton_write

    course_package_sync_folder(path=skeleton)
    before = Question.objects.get(key=f"{SKELETON_SLUG}-s1-example")
    other = course_skeleton_write(root=tmp_path / "other", slug="other-course").root
    replace_in(other / FIRST_BANK_FILE, "other-course-s1-example", f"{SKELETON_SLUG}-s1-example")

    # when it is synced, it is refused and the first course's question is left alone
    with pytest.raises(PackageInvalid) as refused:
        course_package_sync_folder(path=other)
    assert "belongs to a question of another course" in str(refused.value.problems[0])
    after = Question.objects.get(key=f"{SKELETON_SLUG}-s1-example")
    assert (after.section_id, after.current_version_id) == (
        before.section_id,
        before.current_version_id,
    )
    assert not Course.objects.filter(slug="other-course").exists()

    # and with its own keys it still may not take the first course's exam slug (an author's name)
    replace_in(other / FIRST_BANK_FILE, f"{SKELETON_SLUG}-s1-example", "other-course-s1-example")
    replace_in(other / "assessments.yaml", "other-course-final-exam", f"{SKELETON_SLUG}-final-exam")
    with pytest.raises(PackageInvalid) as refused:
        course_package_sync_folder(path=other)
    assert any(
        f"{SKELETON_SLUG}-final-exam: the slug belongs to an assessment of another" in str(problem)
        for problem in refused.value.problems
    ), refused.value.problems
    assert Assessment.objects.get(slug=f"{SKELETON_SLUG}-final-exam").module.course.slug == (
        SKELETON_SLUG
    )


def test_two_courses_with_a_section_of_the_same_title_each_get_their_own_quiz(
    skeleton: Path, tmp_path: Path
) -> None:
    # given one course synced, and another whose sections have the same titles
    from coursepackages.skeleton import course_skeleton_write

    course_package_sync_folder(path=skeleton)
    other = course_skeleton_write(root=tmp_path / "other", slug="other-course").root

    # when the other is synced, twice
    course_package_sync_folder(path=other)
    again = _sync_command(str(other))

    # then the first keeps its quiz, the other's quiz is named for its course, and a re-sync
    # renames nothing
    first = Assessment.objects.get(slug="quiz-the-first-idea")
    second = Assessment.objects.get(slug="quiz-other-course-the-first-idea")
    assert first.module.course.slug == SKELETON_SLUG
    assert second.module.course.slug == "other-course"
    assert first.section is not None
    assert second.section is not None
    assert first.section.title == second.section.title
    assert "changes: none" in again
    assert Assessment.objects.filter(module__course__slug="other-course").count() == 4
