"""Fixtures for practical grading: a small course module, a task loaded from a task folder the
test writes, a fake grader injected through `practicals.grading.GRADER`, and the broker
messages the services send (captured instead of sent)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from courses.models import Module
from graders.data import CheckOutcome, GradeResult, SubmissionFiles, TaskSpec, Verdict
from practicals import grading
from practicals.models import PracticalTask
from practicals.services.tasks import practical_task_load
from practicals.task_definitions import task_definition_read
from tests.factories import LearningObjectiveFactory, ModuleFactory, SectionFactory

SECTION_SLUGS = ("writing-production-ready-dockerfiles", "container-security-best-practices")
TASK_SLUG = "small-python-image"
GOOD_DOCKERFILE = (
    "FROM python:3.11-slim-bookworm\nWORKDIR /app\nCOPY app.py .\nUSER 1000\n"
    'CMD ["python", "app.py"]\n'
)


def task_yaml(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "slug": TASK_SLUG,
        "version": 1,
        "title": "A small Python image",
        "sections": list(SECTION_SLUGS),
        "objectives": [1],
        "instructions": "Write a **Dockerfile** for `app.py`.",
        "submission_kind": "dockerfile",
        "allowed_base_images": ["python:3.11-slim-bookworm"],
        "limits": {"build_seconds": 60},
        "time_budget_seconds": 120,
        "pass_percent": 70,
        "rubric": [
            {"check": "build-succeeds", "points": 4, "section": SECTION_SLUGS[0]},
            {
                "check": "image-user-not-root",
                "points": 6,
                "section": SECTION_SLUGS[1],
                "params": {"uid_min": 1},
            },
        ],
    }
    return spec | overrides


def write_task(root: Path, folder_name: str = TASK_SLUG, **overrides: Any) -> Path:
    folder = root / folder_name
    overrides.setdefault("slug", folder_name)
    (folder / "starter").mkdir(parents=True, exist_ok=True)
    (folder / "task.yaml").write_text(yaml.safe_dump(task_yaml(**overrides)), encoding="utf-8")
    (folder / "starter" / "app.py").write_text('print("hello")\n', encoding="utf-8")
    (folder / "starter" / "Dockerfile").write_text("FROM python:3.11-slim-bookworm\n")
    return folder


@pytest.fixture
def course_module(db: None) -> Module:
    module = ModuleFactory(slug="module-1-1", course__slug="docker-basics")
    for position, slug in enumerate(SECTION_SLUGS, start=3):
        SectionFactory(module=module, slug=slug, position=position, title=slug.title())
    LearningObjectiveFactory(module=module, position=1, text="Write a production Dockerfile")
    return module


@pytest.fixture
def task_root(tmp_path: Path) -> Path:
    root = tmp_path / "tasks"
    write_task(root)
    return root


@pytest.fixture
def task(course_module: Module, task_root: Path) -> PracticalTask:
    definition = task_definition_read(task_root / TASK_SLUG)
    practical_task_load(definition=definition, module_id=course_module.pk)
    return PracticalTask.objects.select_related("current_version").get(slug=TASK_SLUG)


@dataclass
class FakeGrader:
    """Stands in for graders.pipeline: records calls, reports phases, returns a set result.

    `script` runs inside the grading (after the phases) to let a test act "mid-job"; `faults`
    are raised one per call before anything else.
    """

    phases: tuple[str, ...] = ("prescreen", "build", "run", "probe")
    result: GradeResult | None = None
    faults: list[BaseException] = field(default_factory=list)
    script: Callable[[], None] | None = None
    calls: list[tuple[TaskSpec, SubmissionFiles, str]] = field(default_factory=list)
    seen_phases: list[str] = field(default_factory=list)

    def __call__(
        self,
        task: TaskSpec,
        submission: SubmissionFiles,
        *,
        job_id: str,
        progress: Callable[[str], None],
    ) -> GradeResult:
        self.calls.append((task, submission, job_id))
        if self.faults:
            raise self.faults.pop(0)
        for phase in self.phases:
            progress(phase)
            self.seen_phases.append(phase)
        if self.script is not None:
            self.script()
        return self.result or passing_result(task)


def passing_result(task: TaskSpec, **overrides: Any) -> GradeResult:
    checks = tuple(
        CheckOutcome(
            check_id=item.check_id,
            passed=True,
            points=item.points,
            max_points=item.points,
            message=f"{item.check_id}: fine.",
            section_slug=item.section_slug,
            evidence={"seen": True},
        )
        for item in task.rubric
    )
    total = sum(item.points for item in task.rubric)
    values: dict[str, Any] = {
        "verdict": Verdict.PASSED,
        "score": total,
        "max_score": total,
        "checks": checks,
        "image_digest": "sha256:" + "a" * 64,
        "image_size_bytes": 52_000_000,
        "timings": {"static": 0.01, "build": 1.5, "run": 0.7},
        "log_excerpt": "Step 1/5 : FROM python:3.11-slim-bookworm\n",
    }
    return GradeResult(**(values | overrides))


def failing_result(task: TaskSpec) -> GradeResult:
    first, *rest = task.rubric
    checks = (
        CheckOutcome(first.check_id, True, first.points, first.points, "ok", first.section_slug),
        *(
            CheckOutcome(
                item.check_id,
                False,
                0.0,
                item.points,
                "The container runs as root; add a USER line.",
                item.section_slug,
            )
            for item in rest
        ),
    )
    return GradeResult(
        verdict=Verdict.FAILED,
        score=first.points,
        max_score=sum(item.points for item in task.rubric),
        checks=checks,
    )


@pytest.fixture
def fake_grader(monkeypatch: pytest.MonkeyPatch) -> FakeGrader:
    fake = FakeGrader()
    monkeypatch.setattr(grading, "GRADER", fake)
    return fake


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Submission ids the services enqueue (on commit), instead of sending them to a broker."""
    from practicals import tasks

    messages: list[int] = []
    monkeypatch.setattr(
        tasks.grade_submission, "delay", lambda submission_id: messages.append(submission_id)
    )
    return messages
