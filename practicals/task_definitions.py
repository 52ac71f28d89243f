"""Practical task definitions as instructors write them: graders/tasks/<slug>/task.yaml, starter/.

Reading a folder gives a plain `TaskDefinition` (no database); `services.tasks` stores it as a
PracticalTask version. Everything a learner's grade depends on goes into `spec_sha256`, so any
edit to the YAML, the instructions or a starter file makes a new version.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from graders.data import GradingLimits
from practicals.models import SubmissionKind

TASK_FILE_NAME = "task.yaml"
STARTER_DIRECTORY = "starter"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Starter projects are a handful of small source files; anything bigger is a mistake in the folder.
MAX_STARTER_FILES = 100
MAX_STARTER_BYTES = 1024 * 1024
LIMIT_NAMES = frozenset(field.name for field in fields(GradingLimits))


class TaskDefinitionError(ValueError):
    """A task folder that cannot be loaded; the message names the file and the problem."""


@dataclass(frozen=True)
class RubricEntry:
    check: str
    points: Decimal
    section: str
    params: dict[str, Any]


@dataclass(frozen=True)
class TaskDefinition:
    slug: str
    title: str
    section_slugs: tuple[str, ...]
    # Objective positions (int) or slugs (str) within the task's module.
    objectives: tuple[int | str, ...]
    instructions_markdown: str
    submission_kind: SubmissionKind
    allowed_base_images: tuple[str, ...]
    limits: dict[str, Any]
    time_budget_seconds: int
    pass_percent: Decimal
    max_attempts: int | None
    rubric: tuple[RubricEntry, ...]
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
            }
            for item in self.rubric
        ]


def task_folders(root: Path) -> list[Path]:
    """Every folder under `root` holding a task.yaml, in slug order."""
    if not root.is_dir():
        raise TaskDefinitionError(f"{root} is not a folder of task definitions.")
    return sorted(path.parent for path in root.glob(f"*/{TASK_FILE_NAME}"))


def task_definition_read(folder: Path) -> TaskDefinition:
    """Parse and validate one task folder; raises TaskDefinitionError naming what is wrong."""
    task_file = folder / TASK_FILE_NAME
    try:
        raw = yaml.safe_load(task_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise TaskDefinitionError(f"{task_file}: {error}") from error
    if not isinstance(raw, dict):
        raise TaskDefinitionError(f"{task_file}: expected a mapping at the top level.")
    slug = str(raw.get("slug", folder.name))
    if not SLUG_PATTERN.match(slug):
        raise TaskDefinitionError(f"{task_file}: {slug!r} is not a slug.")
    where = f"{task_file}"
    instructions = _instructions(folder, _required(raw, "instructions", where))
    starter = _starter_files(folder / STARTER_DIRECTORY)
    canonical = {"task": raw, "instructions": instructions, "starter": starter}
    digest = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    return TaskDefinition(
        slug=slug,
        title=str(_required(raw, "title", where)),
        section_slugs=tuple(str(item) for item in _list(raw, "sections", where)),
        objectives=tuple(_objective(item, where) for item in _list(raw, "objectives", where)),
        instructions_markdown=instructions,
        submission_kind=_kind(_required(raw, "submission_kind", where), where),
        allowed_base_images=tuple(
            str(item) for item in _list(raw, "allowed_base_images", where, required=True)
        ),
        limits=_limits(raw.get("limits") or {}, where),
        time_budget_seconds=_positive_int(raw.get("time_budget_seconds", 300), where),
        pass_percent=_percent(raw.get("pass_percent", 70), where),
        max_attempts=(
            None if raw.get("max_attempts") is None else _positive_int(raw["max_attempts"], where)
        ),
        rubric=_rubric(_list(raw, "rubric", where, required=True), where),
        starter_files=starter,
        spec_sha256=digest,
    )


def _required(raw: dict[str, Any], key: str, where: str) -> Any:
    if raw.get(key) in (None, ""):
        raise TaskDefinitionError(f"{where}: `{key}` is required.")
    return raw[key]


def _list(raw: dict[str, Any], key: str, where: str, *, required: bool = False) -> list[Any]:
    value = raw.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise TaskDefinitionError(f"{where}: `{key}` must be a non-empty list.")
    return value


def _objective(item: Any, where: str) -> int | str:
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, str) and item.strip():
        return item.strip()
    if isinstance(item, dict) and ("position" in item or "slug" in item):
        return _objective(item.get("position", item.get("slug")), where)
    raise TaskDefinitionError(f"{where}: objective {item!r} is neither a position nor a slug.")


def _instructions(folder: Path, value: Any) -> str:
    text = str(value)
    # `instructions: instructions.md` names a file beside task.yaml; anything else is Markdown.
    if "\n" not in text and text.endswith(".md"):
        path = folder / text
        if not path.resolve().is_relative_to(folder.resolve()):
            raise TaskDefinitionError(f"{folder}: instructions file {text!r} is outside the task.")
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            raise TaskDefinitionError(f"{path}: {error}") from error
    return text


def _kind(value: Any, where: str) -> SubmissionKind:
    try:
        return SubmissionKind(str(value))
    except ValueError:
        choices = ", ".join(SubmissionKind.values)
        raise TaskDefinitionError(f"{where}: submission_kind must be one of {choices}.") from None


def _limits(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TaskDefinitionError(f"{where}: `limits` must be a mapping.")
    unknown = sorted(set(value) - LIMIT_NAMES)
    if unknown:
        raise TaskDefinitionError(
            f"{where}: unknown limits {unknown}; known: {sorted(LIMIT_NAMES)}."
        )
    defaults = asdict(GradingLimits())
    for name, limit in value.items():
        if not isinstance(limit, int | float) or isinstance(limit, bool) or limit <= 0:
            raise TaskDefinitionError(f"{where}: limit {name} must be a positive number.")
        if isinstance(defaults[name], int) and not isinstance(limit, int):
            raise TaskDefinitionError(f"{where}: limit {name} must be a whole number.")
    return dict(value)


def _positive_int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise TaskDefinitionError(f"{where}: {value!r} is not a positive whole number.")
    return value


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise TaskDefinitionError(f"{where}: {value!r} is not a number.") from None
    if not number.is_finite():
        raise TaskDefinitionError(f"{where}: {value!r} is not a number.")
    return number


def _percent(value: Any, where: str) -> Decimal:
    number = _decimal(value, where)
    if not Decimal(0) <= number <= Decimal(100):
        raise TaskDefinitionError(f"{where}: pass_percent must be between 0 and 100.")
    return number


def _rubric(items: list[Any], where: str) -> tuple[RubricEntry, ...]:
    entries = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        label = f"{where}: rubric item {position}"
        if not isinstance(item, dict):
            raise TaskDefinitionError(f"{label} must be a mapping.")
        check = str(_required(item, "check", label))
        if check in seen:
            raise TaskDefinitionError(f"{label}: check {check!r} appears twice.")
        seen.add(check)
        points = _decimal(_required(item, "points", label), label)
        if points <= 0:
            raise TaskDefinitionError(f"{label}: points must be positive.")
        params = item.get("params") or {}
        if not isinstance(params, dict):
            raise TaskDefinitionError(f"{label}: params must be a mapping.")
        entries.append(
            RubricEntry(
                check=check,
                points=points,
                section=str(_required(item, "section", label)),
                params=params,
            )
        )
    return tuple(entries)


def _starter_files(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    files: dict[str, str] = {}
    total = 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            raise TaskDefinitionError(f"{path}: starter files may not be symbolic links.")
        if not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        try:
            files[relative] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise TaskDefinitionError(f"{path}: starter files must be UTF-8 text.") from None
        total += path.stat().st_size
    if len(files) > MAX_STARTER_FILES or total > MAX_STARTER_BYTES:
        raise TaskDefinitionError(
            f"{folder}: at most {MAX_STARTER_FILES} starter files and {MAX_STARTER_BYTES} bytes."
        )
    return files
