"""`manage.py new_course`: a package with one example of each file, which syncs as it is.

From a module's Markdown (`--from-markdown`) the examples follow its sections: a true/false
question per section for the quizzes and practice and one for the exam pool (so every
blueprint can be filled), a quiz per section, the exam and practice, one Dockerfile task and a
certification program based on the exam. `drafts: true` in course.yaml makes each sync
generate draft questions from the module's content blocks for review.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from coursepackages.layout import (
    ASSESSMENTS_FILE,
    BANK_DIR,
    CERTIFICATION_FILE,
    COURSE_FILE,
    MODULES_DIR,
    OBJECTIVES_FILE,
    TASKS_DIR,
)
from courses import api as courses_api

EXAMPLE_TASK_SLUG_SUFFIX = "first-dockerfile"
EXAMPLE_MODULE = """\
# Module 1.1: {title}

## Learning Objectives

By the end of this module, you will:
- Explain the first idea of the course
- Apply the second idea of the course

---

## Section 1: The First Idea

Write the first section here. Definitions, lists and code blocks become content blocks that
draft questions are generated from.

**Term**: the definition of a term the course introduces.

## Section 2: The Second Idea

Write the second section here.

```bash
echo "a command the learner runs"
```

## Key Takeaways

- The first idea, in one line
- The second idea, in one line
"""


class SkeletonError(ValueError):
    """The skeleton cannot be written (the folder exists, or the Markdown does not import)."""


@dataclass(frozen=True)
class Skeleton:
    root: Path
    files: list[str]


def _dump(path: Path, header: str, content: Any) -> None:
    body = yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(f"{header.rstrip()}\n{body}", encoding="utf-8")


def _question(key: str, section: str, citation: str, exam_only: bool) -> dict[str, Any]:
    pool = "the exam pool (drawn by the final exam only)" if exam_only else "quizzes and practice"
    return {
        "key": key,
        "section": section,
        **({"exam_only": True} if exam_only else {}),
        "objectives": [1],
        "type": "true_false",
        "points": 1,
        "difficulty": 0.3,
        "tags": ["example"],
        "prompt": f"True or false: this example question about {citation} is for {pool}.",
        "answer": True,
        "feedback_true": "Right. Replace this example with a question about the section.",
        "feedback_false": "This example is true. Replace it with a question about the section.",
        "feedback": f"{citation}. Say here what the section teaches about the question.",
    }


def _bank(root: Path, slug: str, sections: tuple[tuple[str, str], ...]) -> None:
    bank = root / BANK_DIR
    bank.mkdir()
    for position, (section, title) in enumerate(sections, start=1):
        citation = f"Section {position}: {title}"
        _dump(
            bank / f"{position:02d}-{section}.yaml",
            f"# Questions of section {position}: {title}. Format: docs/question-format.md.",
            [
                _question(f"{slug}-s{position}-example", section, citation, exam_only=False),
                _question(f"{slug}-s{position}-exam-example", section, citation, exam_only=True),
            ],
        )
    _dump(
        bank / OBJECTIVES_FILE,
        "# Objectives the questions need that the module's text does not state (by slug).",
        [
            {
                "slug": f"{slug}-example-skill",
                "text": "An example objective the bank adds to the course's own",
                "taught_in": [sections[0][0]],
            }
        ],
    )


def _assessments(root: Path, slug: str, sections: tuple[tuple[str, str], ...]) -> None:
    def one() -> list[dict[str, Any]]:
        # A fresh list per use: a shared one would be written as a YAML anchor and alias.
        return [{"type": "true_false", "points": 1}]

    _dump(
        root / ASSESSMENTS_FILE,
        "# Quizzes, practice and exam: blueprints and policies (see the Docker course's file).",
        {
            "section_quiz": {
                "time_limit_seconds": 600,
                "attempts_allowed": 3,
                "grading_method": "highest",
                "passing_percent": 70,
                "feedback_policy": "after_submission",
                "blueprints": {section: one() for section, _ in sections},
            },
            "final_exam": {
                "slug": f"{slug}-final-exam",
                "title": "Final exam",
                "time_limit_seconds": 1800,
                "attempts_allowed": 2,
                "grading_method": "highest",
                "passing_percent": 70,
                "feedback_policy": "after_submission",
                "review_shows_correct_answers": False,
                "review_shows_feedback": False,
                "review_shows_item_grades": False,
                "blueprint": [{"section": section, **one()[0]} for section, _ in sections],
            },
            "practice": {
                "slug": f"{slug}-practice",
                "title": "Practice",
                "attempts_allowed": 0,
                "grading_method": "last",
                "passing_percent": 70,
                "feedback_policy": "immediate",
                "blueprint": [{"section": section, **one()[0]} for section, _ in sections],
            },
        },
    )


def _task(root: Path, slug: str, section: str) -> str:
    task_slug = f"{slug}-{EXAMPLE_TASK_SLUG_SUFFIX}"
    folder = root / TASKS_DIR / task_slug
    for part in ("starter", "reference", "wrong/runs-as-root"):
        (folder / part).mkdir(parents=True)
    _dump(
        folder / "task.yaml",
        "# A practical task: docs/course-format.md (tasks/) and the Docker course's tasks.",
        {
            "slug": task_slug,
            "version": 1,
            "title": "Write a first Dockerfile",
            "sections": [section],
            "objectives": [1],
            "submission_kind": "dockerfile",
            "allowed_base_images": ["busybox:1.35"],
            "time_budget_seconds": 120,
            "pass_percent": 60,
            "instructions": "Write a Dockerfile from `busybox:1.35` that runs as a non-root user.",
            "rubric": [
                {"check": "dockerfile-parses", "points": 1, "section": section},
                {"check": "base-image-pinned", "points": 1, "section": section},
                {"check": "non-root-user", "points": 2, "section": section, "required": True},
            ],
        },
    )
    (folder / "starter" / "README.md").write_text("Write your Dockerfile here.\n")
    (folder / "reference" / "Dockerfile").write_text(
        'FROM busybox:1.35\nUSER 65534\nCMD ["sleep", "3600"]\n'
    )
    (folder / "wrong" / "runs-as-root" / "Dockerfile").write_text(
        'FROM busybox:1.35\nCMD ["sleep", "3600"]\n'
    )
    return task_slug


def course_skeleton_write(
    *, root: Path, slug: str, title: str = "", markdown: Path | None = None
) -> Skeleton:
    """Write a new package at `root` (which must not exist); every file is an example that
    `sync_course` accepts as it is. Raises SkeletonError, writing nothing, if it cannot."""
    if root.exists():
        raise SkeletonError(f"{root} already exists")
    source = (
        markdown.read_bytes()
        if markdown is not None
        else EXAMPLE_MODULE.format(title=title or slug.replace("-", " ").title()).encode()
    )
    try:
        outline = courses_api.module_outline(source=source)
    except courses_api.CourseImportError as error:
        raise SkeletonError(f"{markdown or 'the example module'}: {error}") from None
    if outline.objective_count < 1:
        raise SkeletonError(f"{markdown}: the module lists no learning objectives")
    try:
        root.mkdir(parents=True)
        (root / MODULES_DIR).mkdir()
        module_name = markdown.name if markdown is not None else f"{outline.slug}-{slug}.md"
        (root / MODULES_DIR / module_name).write_bytes(source)
        _dump(
            root / COURSE_FILE,
            "# A course package: docs/course-format.md. `manage.py sync_course` loads it.",
            {
                "slug": slug,
                "title": title or outline.title,
                "version": "0.1.0",
                "module": outline.slug,
                "drafts": True,
                "staff": [],
            },
        )
        _bank(root, slug, outline.sections)
        _assessments(root, slug, outline.sections)
        task_slug = _task(root, slug, outline.sections[0][0])
        _dump(
            root / CERTIFICATION_FILE,
            "# The certification program: what a certificate requires.",
            {
                "slug": f"{slug}-certified",
                "title": title or outline.title,
                "course": slug,
                "module": outline.slug,
                "description": "The holder passed the final exam and the practical task.",
                "final_exam": f"{slug}-final-exam",
                "min_section_mastery_percent": None,
                "validity_days": 730,
                "required_tasks": [task_slug],
            },
        )
    except OSError as error:
        shutil.rmtree(root, ignore_errors=True)
        raise SkeletonError(f"{root}: {error}") from None
    files = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    return Skeleton(root=root, files=files)
