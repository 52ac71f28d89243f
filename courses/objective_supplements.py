"""Writes of supplementary objectives: those the question bank needs that the course text does
not state. Numbered after the course's own objectives, with the position moves of
courses.services."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from courses.models import LearningObjective, ObjectiveOrigin, Section
from courses.services import (
    SUPPLEMENT_PARKING_OFFSET,
    TEMPORARY_POSITION_OFFSET,
    RowCounts,
    _park,
    _place,
    _positions_to_change,
    _retire,
)
from quayside.models_sync import fields_update_changed


@dataclass(frozen=True)
class ObjectiveSupplement:
    """An objective the question bank needs that the course text does not state."""

    slug: str
    text: str
    section_slugs: tuple[str, ...]


@transaction.atomic
def objective_supplements_sync(
    *, module_id: int, supplements: Sequence[ObjectiveSupplement]
) -> list[LearningObjective]:
    """Make the module's supplementary objectives exactly `supplements`; returns the module's
    live objectives afterwards (the course's and the supplements), so callers need no re-read.

    Idempotent: nothing is written when the rows already match. Supplements are numbered after
    the course's objectives in the order given; one the course text states itself (same slug)
    stays the course's. Dropped supplements are deleted, or archived when questions point at
    them. Raises ValueError for an unknown section slug or a slug used twice.
    """
    slugs = [supplement.slug for supplement in supplements]
    if len(set(slugs)) != len(slugs):
        raise ValueError("a supplementary objective's slug is used twice")
    sections = dict(
        Section.objects.filter(module_id=module_id, is_archived=False).values_list("slug", "pk")
    )
    unknown = sorted({slug for item in supplements for slug in item.section_slugs} - set(sections))
    if unknown:
        raise ValueError(f"unknown section(s) for a supplementary objective: {', '.join(unknown)}")
    rows = {
        row.slug: row
        for row in LearningObjective.objects.filter(module_id=module_id).prefetch_related(
            "taught_in"
        )
    }
    stated = [row for row in rows.values() if row.origin == ObjectiveOrigin.COURSE]
    first_position = 1 + max((row.position for row in stated if not row.is_archived), default=0)
    ids: dict[str, int] = {}
    kept: list[LearningObjective] = []
    for supplement in supplements:
        row = rows.get(supplement.slug)
        if row is not None and row.origin == ObjectiveOrigin.COURSE and not row.is_archived:
            ids[supplement.slug] = row.pk
            continue
        wanted = {sections[slug] for slug in supplement.section_slugs}
        row = _supplement_row(module_id, row, supplement, wanted, parking=len(kept))
        ids[supplement.slug] = row.pk
        kept.append(row)
    dropped = [
        row
        for row in rows.values()
        if row.origin == ObjectiveOrigin.SUPPLEMENT and row.slug not in ids and not row.is_archived
    ]
    _retire(dropped, RowCounts())
    moving = _positions_to_change(kept, first_position=first_position)
    _park(moving)
    _place(moving)
    live_course = [row for row in stated if not row.is_archived]
    return sorted([*live_course, *kept], key=lambda row: row.position)


def _supplement_row(
    module_id: int,
    row: LearningObjective | None,
    supplement: ObjectiveSupplement,
    wanted_sections: set[int],
    *,
    parking: int,
) -> LearningObjective:
    values: dict[str, Any] = {
        "text": supplement.text,
        "is_archived": False,
        "origin": ObjectiveOrigin.SUPPLEMENT,
    }
    if row is None or row.is_archived:
        # New or revived rows start out of the way; the caller numbers them with the others.
        values["position"] = SUPPLEMENT_PARKING_OFFSET + TEMPORARY_POSITION_OFFSET + parking
    if row is None:
        row = LearningObjective.objects.create(module_id=module_id, slug=supplement.slug, **values)
        row.taught_in.set(wanted_sections)
        return row
    fields_update_changed(row=row, values=values)
    if {section.pk for section in row.taught_in.all()} != wanted_sections:
        row.taught_in.set(wanted_sections)
    return row
