"""Practical task definitions as instructors write them: a package's tasks/<slug>/task.yaml.

The format is the grader's (`graders.tasks.load_task` parses it); this module adds what the
Django side needs on top: validation with messages naming the file, the starter files as text
for download, the optional `max_attempts`, and `spec_sha256` over everything a learner's grade
depends on, so any edit to the YAML, the instructions or a starter file makes a new version.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from graders.data import SubmissionKind
from graders.pipeline import validate_rubric
from graders.tasks import TASK_FILE, load_task

# Starter projects are a handful of small source files; anything bigger is a mistake in the folder.
MAX_STARTER_FILES = 100
MAX_STARTER_BYTES = 1024 * 1024


class TaskDefinitionError(ValueError):
    """A task folder that cannot be loaded; the message names the folder and the problem."""


@dataclass(frozen=True)
class RubricEntry:
    check: str
    points: Decimal
    section: str
    params: dict[str, Any]
    required: bool = False


@dataclass(frozen=True)
class TaskDefinition:
    slug: str
    title: str
    section_slugs: tuple[str, ...]
    # 1-based positions in the module's learning objectives.
    objectives: tuple[int, ...]
    instructions_markdown: str
    submission_kind: SubmissionKind
    allowed_base_images: tuple[str, ...]
    limits: dict[str, Any]
    time_budget_seconds: int
    pass_percent: Decimal
    max_attempts: int | None
    rubric: tuple[RubricEntry, ...]
    # Commands tasks: image reference -> folder of the starter files holding its Dockerfile.
    images: dict[str, str]
    starter_files: dict[str, str]
    spec_sha256: str

    def rubric_json(self) -> list[dict[str, Any]]:
        return [
            {
                "check": item.check,
                "points": int(item.points)
                if item.points == int(item.points)
                else float(item.points),
                "section": item.section,
                "params": item.params,
                "required": item.required,
            }
            for item in self.rubric
        ]


def task_folders(root: Path) -> list[Path]:
    """Every folder under `root` holding a task.yaml, in slug order."""
    if not root.is_dir():
        raise TaskDefinitionError(f"{root} is not a folder of task definitions.")
    return sorted(path.parent for path in root.glob(f"*/{TASK_FILE}"))


def task_definition_read(folder: Path) -> TaskDefinition:
    """Parse and validate one task folder; raises TaskDefinitionError naming what is wrong."""
    task_file = folder / TASK_FILE
    try:
        raw_bytes = task_file.read_bytes()
        raw = yaml.safe_load(raw_bytes)
        loaded = load_task(folder.name, directory=folder.parent)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise TaskDefinitionError(f"{task_file}: {error!r}") from error
    spec = loaded.spec
    where = str(task_file)
    if not spec.rubric:
        raise TaskDefinitionError(f"{where}: the rubric is empty.")
    if not spec.allowed_base_images and spec.submission_kind != SubmissionKind.COMMANDS:
        raise TaskDefinitionError(f"{where}: allowed_base_images is empty.")
    if not 0 <= spec.pass_percent <= 100:
        raise TaskDefinitionError(f"{where}: pass_percent must be between 0 and 100.")
    if spec.time_budget_seconds <= 0 or spec.time_budget_seconds != int(spec.time_budget_seconds):
        raise TaskDefinitionError(f"{where}: time_budget_seconds must be a positive whole number.")
    checks = [item.check_id for item in spec.rubric]
    if len(set(checks)) != len(checks):
        raise TaskDefinitionError(f"{where}: a check appears twice in the rubric.")
    if any(item.points <= 0 for item in spec.rubric):
        raise TaskDefinitionError(f"{where}: every rubric item's points must be positive.")
    try:
        validate_rubric(spec)
    except ValueError as error:
        raise TaskDefinitionError(f"{where}: {error}") from error
    for name, limit in (raw.get("limits") or {}).items():
        if not isinstance(limit, int | float) or isinstance(limit, bool) or limit <= 0:
            raise TaskDefinitionError(f"{where}: limit {name} must be a positive number.")
    starter = _starter_text(folder, loaded.starter_files)
    max_attempts = raw.get("max_attempts")
    if max_attempts is not None and (not isinstance(max_attempts, int) or max_attempts < 1):
        raise TaskDefinitionError(f"{where}: max_attempts must be a positive whole number.")
    digest = hashlib.sha256(raw_bytes)
    for path in sorted(loaded.starter_files):
        digest.update(b"\0" + path.encode("utf-8") + b"\0" + loaded.starter_files[path])
    return TaskDefinition(
        slug=spec.slug,
        title=loaded.title,
        section_slugs=loaded.sections,
        objectives=loaded.objectives,
        instructions_markdown=loaded.instructions_markdown,
        submission_kind=spec.submission_kind,
        allowed_base_images=spec.allowed_base_images,
        limits=dict(raw.get("limits") or {}),
        time_budget_seconds=int(spec.time_budget_seconds),
        pass_percent=Decimal(str(spec.pass_percent)),
        max_attempts=max_attempts,
        rubric=tuple(
            RubricEntry(
                check=item.check_id,
                points=Decimal(str(item.points)),
                section=item.section_slug,
                params=dict(item.params),
                required=item.required,
            )
            for item in spec.rubric
        ),
        images=dict(spec.images),
        starter_files=starter,
        spec_sha256=digest.hexdigest(),
    )


def _starter_text(folder: Path, files: dict[str, bytes] | Any) -> dict[str, str]:
    if len(files) > MAX_STARTER_FILES or sum(len(c) for c in files.values()) > MAX_STARTER_BYTES:
        raise TaskDefinitionError(
            f"{folder}: at most {MAX_STARTER_FILES} starter files and {MAX_STARTER_BYTES} bytes."
        )
    text: dict[str, str] = {}
    for path, content in files.items():
        try:
            text[path] = content.decode("utf-8")
        except UnicodeDecodeError:
            raise TaskDefinitionError(f"{folder}/starter/{path}: not UTF-8 text.") from None
    return text
