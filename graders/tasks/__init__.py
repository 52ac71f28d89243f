"""Practical task folders as data: `<slug>/task.yaml`, `starter/`, `reference/`, `wrong/*/`.

The folders are course content: they live in a course package's `tasks/` (see
docs/course-format.md), never in this library. `load_task(slug, directory=...)` reads one
into plain values (no Django): the `TaskSpec` the pipeline grades against plus what the
Django side stores (title, sections, objectives, instructions, starter files).
`reference/` scores full marks and each `wrong/<flaw>/` fails the checks its name says;
the pipeline tests prove both.

Submission files by kind: `dockerfile` tasks take `Dockerfile`; `archive` tasks an archive of
`Dockerfile` and `.dockerignore`; `commands` tasks the lines in `commands.txt`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from graders.data import GradingLimits, RubricItem, SubmissionKind, TaskSpec

TASK_FILE = "task.yaml"
COMMANDS_FILE = "commands.txt"
_LIMIT_NAMES = frozenset(item.name for item in fields(GradingLimits))


@dataclass(frozen=True)
class TaskDefinition:
    spec: TaskSpec
    title: str
    # Course section anchors (graders.course_sections slugs).
    sections: tuple[str, ...]
    # 1-based positions in the module's Learning Objectives list.
    objectives: tuple[int, ...]
    instructions_markdown: str
    starter_files: Mapping[str, bytes]
    reference_files: Mapping[str, bytes]
    wrong_solutions: Mapping[str, Mapping[str, bytes]]


def task_slugs(directory: Path) -> list[str]:
    """The slugs of the task folders under `directory` (a package's `tasks/`)."""
    return sorted(path.parent.name for path in directory.glob(f"*/{TASK_FILE}"))


def read_tree(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` by its relative POSIX path (dot files included)."""
    if not directory.is_dir():
        return {}
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _limits(raw: Mapping[str, Any]) -> GradingLimits:
    unknown = set(raw) - _LIMIT_NAMES
    if unknown:
        raise ValueError(f"unknown limits: {', '.join(sorted(unknown))}")
    return GradingLimits(**dict(raw))


def _rubric(raw: list[Mapping[str, Any]]) -> tuple[RubricItem, ...]:
    return tuple(
        RubricItem(
            check_id=str(item["check"]),
            points=float(item["points"]),
            section_slug=str(item["section"]),
            params=dict(item.get("params") or {}),
            required=_flag(item.get("required", False), f"rubric item {item['check']}: required"),
        )
        for item in raw
    )


def _flag(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"{where} must be true or false, not {raw!r}")
    return raw


def load_task(slug: str, *, directory: Path) -> TaskDefinition:
    root = directory / slug
    raw = yaml.safe_load((root / TASK_FILE).read_text(encoding="utf-8"))
    if raw.get("slug") != slug:
        raise ValueError(f"{root / TASK_FILE}: slug {raw.get('slug')!r} != folder {slug!r}")
    starter = read_tree(root / "starter")
    spec = TaskSpec(
        slug=slug,
        version=int(raw["version"]),
        submission_kind=SubmissionKind(raw["submission_kind"]),
        allowed_base_images=tuple(raw.get("allowed_base_images") or ()),
        rubric=_rubric(raw["rubric"]),
        pass_percent=float(raw["pass_percent"]),
        time_budget_seconds=float(raw["time_budget_seconds"]),
        limits=_limits(raw.get("limits") or {}),
        provided_files=starter,
        images=dict(raw.get("images") or {}),
    )
    wrong_root = root / "wrong"
    wrong = (
        {path.name: read_tree(path) for path in sorted(wrong_root.iterdir()) if path.is_dir()}
        if wrong_root.is_dir()
        else {}
    )
    return TaskDefinition(
        spec=spec,
        title=str(raw["title"]),
        sections=tuple(raw.get("sections") or ()),
        objectives=tuple(int(position) for position in raw.get("objectives") or ()),
        instructions_markdown=str(raw["instructions"]),
        starter_files=starter,
        reference_files=read_tree(root / "reference"),
        wrong_solutions=wrong,
    )
