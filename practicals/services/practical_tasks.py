"""Writes of practical tasks: loading instructor-authored definitions as versioned tasks."""

import enum
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from courses import api as courses_api
from practicals.models import PracticalTask, PracticalTaskVersion
from practicals.rubric import rubric_rows
from practicals.task_definitions import (
    TaskDefinition,
    TaskDefinitionError,
    task_definition_read,
    task_folders,
)
from quayside.models_sync import fields_update_changed


class LoadAction(enum.StrEnum):
    CREATED = "created"
    NEW_VERSION = "new version"
    # Same spec, but the task row changed: its title, or published again after a retirement.
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class TaskLoadOutcome:
    slug: str
    action: LoadAction
    version: int


def practical_tasks_load(*, root: Path, module_id: int) -> list[TaskLoadOutcome]:
    """Load every task folder under `root`; all or nothing (one bad folder loads none)."""
    definitions = [task_definition_read(folder) for folder in task_folders(root)]
    with transaction.atomic():
        return [
            practical_task_load(definition=definition, module_id=module_id)
            for definition in definitions
        ]


def practical_tasks_retire_missing(*, module_id: int, slugs: list[str]) -> list[str]:
    """Unpublish the module's tasks a course package no longer describes; idempotent.

    Unpublished, never deleted: submissions and their grading runs stay, and a task that comes
    back into the package is published again by `practical_task_load`."""
    missing = PracticalTask.objects.filter(module_id=module_id, is_published=True).exclude(
        slug__in=slugs
    )
    retired = sorted(missing.values_list("slug", flat=True))
    missing.update(is_published=False, updated_at=timezone.now())
    return retired


@transaction.atomic
def practical_task_load(*, definition: TaskDefinition, module_id: int) -> TaskLoadOutcome:
    """Create the task or, when its spec changed, add the next version and make it current.

    Idempotent: loading an unchanged definition changes nothing. Earlier versions are never
    edited (submissions point at them). The task row is locked while its version is decided.
    """
    section_ids = _section_ids(definition, module_id)
    objective_ids = _objective_ids(definition, module_id)
    task = PracticalTask.objects.select_for_update().filter(slug=definition.slug).first()
    action = LoadAction.NEW_VERSION
    if task is None:
        task = PracticalTask.objects.create(
            slug=definition.slug, title=definition.title, module_id=module_id
        )
        action = LoadAction.CREATED
    elif task.module_id != module_id:
        raise TaskDefinitionError(
            f"Task {definition.slug} belongs to another module; rename the task to move it."
        )
    # A task its package describes is published (again, if a sync had retired it).
    row_changed = fields_update_changed(
        row=task, values={"title": definition.title, "is_published": True}
    )
    task.sections.set(section_ids)
    current = task.current_version
    if current is not None and current.spec_sha256 == definition.spec_sha256:
        action = LoadAction.UPDATED if row_changed else LoadAction.UNCHANGED
        return TaskLoadOutcome(definition.slug, action, current.number)
    number = (current.number if current is not None else 0) + 1
    latest = task.versions.order_by("-number").values_list("number", flat=True).first()
    number = max(number, (latest or 0) + 1)
    version = PracticalTaskVersion.objects.create(
        task=task,
        number=number,
        instructions_markdown=definition.instructions_markdown,
        submission_kind=definition.submission_kind,
        starter_files=definition.starter_files,
        allowed_base_images=list(definition.allowed_base_images),
        limits=definition.limits,
        time_budget_seconds=definition.time_budget_seconds,
        pass_percent=definition.pass_percent,
        max_attempts=definition.max_attempts,
        rubric=rubric_rows(definition.rubric),
        task_images=definition.images,
        spec_sha256=definition.spec_sha256,
    )
    version.objectives.set(objective_ids)
    task.current_version = version
    task.save(update_fields=["current_version", "updated_at"])
    return TaskLoadOutcome(definition.slug, action, number)


def _section_ids(definition: TaskDefinition, module_id: int) -> list[int]:
    known = courses_api.section_ids_by_slug(module_id=module_id)
    cited = {item.section_slug for item in definition.rubric}
    missing = sorted((set(definition.section_slugs) | cited) - set(known))
    if missing:
        raise TaskDefinitionError(
            f"Task {definition.slug} cites sections the module does not have: {missing}."
        )
    return [known[slug] for slug in definition.section_slugs]


def _objective_ids(definition: TaskDefinition, module_id: int) -> list[int]:
    by_position = courses_api.objective_ids_by_position(module_id=module_id)
    ids = []
    for objective in definition.objectives:
        found = by_position.get(objective)
        if found is None:
            raise TaskDefinitionError(
                f"Task {definition.slug} names objective {objective!r}, which the module lacks."
            )
        ids.append(found)
    return ids
