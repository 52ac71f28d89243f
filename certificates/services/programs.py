"""Certification programs from a course package's certification.yaml (what a certificate needs)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from certificates.models import CertificationProgram, RequiredPracticalTask
from courses import api as courses_api
from quayside.models_sync import fields_update_changed


class ProgramCatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class ProgramLoadOutcome:
    slug: str
    created: bool
    changed: bool


def _attempts_per_cycle(entry: dict[str, Any], path: Path) -> int | None:
    value = entry.get("exam_attempts_per_cycle")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ProgramCatalogueError(
            f"{path.name}: exam_attempts_per_cycle must be a whole number (0: unlimited), "
            f"not {value!r}"
        )
    return value


@transaction.atomic
def certification_program_load(*, path: Path) -> ProgramLoadOutcome:
    """Create or update the program a catalogue file describes. Idempotent: an unchanged file
    writes nothing. Certificates already issued keep the requirements they were issued under."""
    entry: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    module_id = courses_api.module_id_for(course_slug=entry["course"], module_slug=entry["module"])
    if module_id is None:
        raise ProgramCatalogueError(
            f"{path.name}: no module {entry['course']}/{entry['module']}; import the course first."
        )
    fields = {
        "title": entry["title"],
        "module_id": module_id,
        "description": entry["description"],
        "final_exam_slug": entry["final_exam"],
        "min_section_mastery_percent": entry.get("min_section_mastery_percent"),
        "validity_days": entry.get("validity_days"),
        "exam_attempts_per_cycle": _attempts_per_cycle(entry, path),
    }
    program = CertificationProgram.objects.filter(slug=entry["slug"]).first()
    if program is not None and program.module_id != module_id:
        # Slugs are unique across courses: another module's program is refused, not taken over.
        raise ProgramCatalogueError(
            f"{path.name}: the program {entry['slug']} belongs to another course; "
            "program slugs are unique across all courses"
        )
    created = program is None
    if program is None:
        program = CertificationProgram.objects.create(slug=entry["slug"], **fields)
    changed = [] if created else fields_update_changed(row=program, values=fields)
    wanted = list(entry.get("required_tasks") or [])
    current = list(program.required_tasks.order_by("position").values_list("task_slug", flat=True))
    if current != wanted:
        program.required_tasks.all().delete()
        RequiredPracticalTask.objects.bulk_create(
            RequiredPracticalTask(program=program, task_slug=slug, position=position)
            for position, slug in enumerate(wanted, start=1)
        )
    return ProgramLoadOutcome(
        slug=program.slug, created=created, changed=created or bool(changed) or current != wanted
    )


def certification_programs_retire_missing(*, module_id: int, slugs: list[str]) -> list[str]:
    """Deactivate the module's programs the package no longer describes; idempotent.

    Deactivated, never deleted: certificates already issued stay valid and verifiable."""
    missing = CertificationProgram.objects.filter(module_id=module_id, is_active=True).exclude(
        slug__in=slugs
    )
    retired = sorted(missing.values_list("slug", flat=True))
    missing.update(is_active=False, updated_at=timezone.now())
    return retired
