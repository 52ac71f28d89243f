"""manage.py new_course: a skeleton package that syncs as it is, also from a module's Markdown
the engine has never seen, with its question drafts generated from the module's content."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Provenance, Question, QuestionStatus
from coursepackages.api import course_package_sync_folder
from courses.models import Course

pytestmark = pytest.mark.django_db

UNSEEN_MODULE = """\
# Module 3.2: Version Control with Git

## Learning Objectives

By the end of this module, you will:
- Explain how Git records history
- Use branches to work in parallel

---

## Section 1: How Git Records History

Every commit stores a snapshot of the tracked files and points to its parent.

| Object | What it stores |
|--------|----------------|
| blob | The contents of one file |
| tree | A directory listing of blobs and trees |
| commit | A tree, its parents, an author and a message |
| tag | A name and message for one commit |

## Section 2: Branches

A branch is a movable name for a commit.

| Aspect | Merge | Rebase |
|--------|-------|--------|
| History | Keeps both lines and adds a merge commit | Rewrites the branch as a straight line |
| Commit ids | Unchanged | New ids for the replayed commits |
| Shared branches | Safe to use | Avoid: others hold the old commits |
| Conflicts | Resolved once, in the merge commit | Resolved per replayed commit |

## Key Takeaways

- A commit is a snapshot with parents
- A branch is a movable name
"""


def test_the_default_skeleton_syncs_as_it_is(tmp_path: Path) -> None:
    root = tmp_path / "first-course"
    out = StringIO()
    call_command("new_course", "first-course", "--directory", str(root), stdout=out)

    outcome = course_package_sync_folder(path=root)

    assert "course.yaml" in out.getvalue()
    assert outcome.diff.count("questions", "created") == 4
    assert outcome.diff.count("assessments", "created") == 4
    assert outcome.diff.count("tasks", "created") == 1
    assert outcome.diff.count("certification programs", "created") == 1
    assert not course_package_sync_folder(path=root).diff.changed


def test_a_package_from_an_unseen_modules_markdown_syncs_and_its_drafts_are_generated(
    tmp_path: Path,
) -> None:
    # given a module's Markdown the engine has never seen
    markdown = tmp_path / "module-3-2-git.md"
    markdown.write_text(UNSEEN_MODULE, encoding="utf-8")
    root = tmp_path / "git-basics"

    # when new_course builds a package from it and the package is synced
    call_command(
        "new_course",
        "git-basics",
        "--from-markdown",
        str(markdown),
        "--directory",
        str(root),
        stdout=StringIO(),
    )
    outcome = course_package_sync_folder(path=root)

    # then the course, its bank and assessments exist, and drafts await review
    course = Course.objects.get(slug="git-basics")
    assert course.title == "Version Control with Git"
    assert outcome.diff.names("assessments", "created") == [
        "quiz-how-git-records-history",
        "quiz-branches",
        "git-basics-final-exam",
        "git-basics-practice",
    ]
    drafts = Question.objects.filter(provenance=Provenance.GENERATED, status=QuestionStatus.DRAFT)
    assert drafts.count() == outcome.diff.count("drafts", "created") > 0
    # and a second sync generates none again
    assert not course_package_sync_folder(path=root).diff.changed


def test_it_refuses_an_existing_folder_and_markdown_that_does_not_import(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    not_a_module = tmp_path / "notes.md"
    not_a_module.write_text("just some notes\n")

    with pytest.raises(CommandError, match="already exists"):
        call_command("new_course", "taken", "--directory", str(tmp_path / "taken"))
    with pytest.raises(CommandError, match=r"notes\.md"):
        call_command(
            "new_course",
            "x",
            "--from-markdown",
            str(not_a_module),
            "--directory",
            str(tmp_path / "x"),
        )
    assert not (tmp_path / "x").exists()
