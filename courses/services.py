"""Writes for course content: importing a module file, re-rendering a section body."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from courses.importer import CourseImportError, ParsedBlock, ParsedModule, module_parse
from courses.importer.blocks import blocks_extract
from courses.importer.mojibake import RepairReport
from courses.importer.tokens import markdown_parser
from courses.models import (
    ContentBlock,
    Course,
    KeyTakeaway,
    LearningObjective,
    Module,
    ObjectiveOrigin,
    Section,
)
from courses.rendering import markdown_render, markdown_render_inline
from quayside.models_sync import fields_update_changed

logger = logging.getLogger(__name__)

# Rows changing position first move out of the way, so UNIQUE(parent, position) holds throughout.
TEMPORARY_POSITION_OFFSET = 1_000_000
# Supplementary objectives park above the rows an import is moving, so the two never collide.
SUPPLEMENT_PARKING_OFFSET = 2 * TEMPORARY_POSITION_OFFSET
ENTITIES = ("courses", "modules", "sections", "objectives", "takeaways", "blocks")


@dataclass
class RowCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.archived + self.deleted


@dataclass
class ImportSummary:
    """What an import did, per entity; `changed` is False for a repeated import."""

    course_slug: str = ""
    module_slug: str = ""
    module_title: str = ""
    module_id: int | None = None
    counts: dict[str, RowCounts] = field(default_factory=lambda: {e: RowCounts() for e in ENTITIES})
    blocks_by_kind: dict[str, int] = field(default_factory=dict)
    repair: RepairReport = field(default_factory=RepairReport)

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())

    def report_lines(self) -> list[str]:
        lines = [f"Imported {self.module_title!r} into course {self.course_slug!r}"]
        for entity, counts in self.counts.items():
            lines.append(
                f"  {entity:<11} {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged, {counts.archived} archived, "
                f"{counts.deleted} deleted"
            )
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.blocks_by_kind.items()))
        lines.append(f"  block kinds {kinds}")
        lines.append(
            f"  encoding    {self.repair.repaired_runs} mis-decoded runs repaired, "
            f"{self.repair.restored_bytes} lost bytes restored, "
            f"{self.repair.dropped_fragments} unrecoverable fragments dropped"
        )
        lines.append("  result      " + ("changed" if self.changed else "no changes"))
        return lines


def _save_if_changed(row: models.Model, values: dict[str, Any], counts: RowCounts) -> bool:
    if not fields_update_changed(row=row, values=values):
        counts.unchanged += 1
        return False
    counts.updated += 1
    return True


def _is_referenced(row: models.Model) -> bool:
    """Whether a row outside the courses app points at `row` (e.g. a question at a section).

    Queried through the pointing model's own field, so relations without a reverse accessor
    (`related_name="+"`) count too.
    """
    for relation in row._meta.related_objects:
        if relation.related_model._meta.app_label == "courses":
            continue
        if relation.related_model._default_manager.filter(**{relation.field.name: row}).exists():
            return True
    return False


def _retire(rows: Sequence[models.Model], counts: RowCounts) -> None:
    """Delete rows gone from the source; archive those something else still points at."""
    for row in rows:
        if getattr(row, "is_archived", None) is True:
            continue
        if hasattr(row, "is_archived") and _is_referenced(row):
            type(row)._default_manager.filter(pk=row.pk).update(
                is_archived=True, updated_at=timezone.now()
            )
            counts.archived += 1
        else:
            row.delete()
            counts.deleted += 1


def _match[RowT: models.Model, SpecT](
    rows: Sequence[RowT],
    specs: Sequence[SpecT],
    *,
    row_key: Callable[[RowT], str],
    spec_key: Callable[[SpecT], str],
    same_slot: Callable[[RowT, SpecT], bool],
) -> tuple[list[tuple[SpecT, RowT | None]], list[RowT]]:
    """Pair specs with rows by stable key first, then by slot (position); return leftovers too."""
    by_key = {row_key(row): row for row in rows}
    used: set[int] = set()
    matched: dict[int, RowT] = {}
    for index, spec in enumerate(specs):
        row = by_key.get(spec_key(spec))
        if row is not None and row.pk not in used:
            matched[index] = row
            used.add(row.pk)
    for index, spec in enumerate(specs):
        if index in matched:
            continue
        for row in rows:
            if row.pk not in used and same_slot(row, spec):
                matched[index] = row
                used.add(row.pk)
                break
    pairs = [(spec, matched.get(index)) for index, spec in enumerate(specs)]
    return pairs, [row for row in rows if row.pk not in used]


def _vacate_positions(pairs: Sequence[tuple[Any, models.Model | None]]) -> None:
    for offset, (spec, row) in enumerate(pairs):
        if row is not None and getattr(row, "position") != spec.position:  # noqa: B009
            type(row)._default_manager.filter(pk=row.pk).update(
                position=TEMPORARY_POSITION_OFFSET + offset
            )


def _sections_sync(
    module: Module, parsed: ParsedModule, summary: ImportSummary
) -> dict[str, Section]:
    counts = summary.counts["sections"]
    rows = list(module.sections.all())
    pairs, leftovers = _match(
        rows,
        parsed.sections,
        row_key=lambda row: row.slug,
        spec_key=lambda spec: spec.slug,
        same_slot=lambda row, spec: not row.is_archived and row.position == spec.position,
    )
    _retire(leftovers, counts)
    _vacate_positions(pairs)
    by_slug: dict[str, Section] = {}
    for spec, row in pairs:
        values = {
            "position": spec.position,
            "title": spec.title,
            "body_markdown": spec.body_markdown,
            "body_html": markdown_render(text=spec.body_markdown),
            "is_archived": False,
        }
        if row is None:
            row = Section.objects.create(module=module, slug=spec.slug, **values)
            counts.created += 1
        else:
            _save_if_changed(row, values, counts)
        by_slug[spec.slug] = row
        _blocks_sync(row, spec.blocks, summary)
    return by_slug


def _blocks_sync(section: Section, blocks: Sequence[ParsedBlock], summary: ImportSummary) -> None:
    counts = summary.counts["blocks"]
    rows = list(section.blocks.all())
    pairs, leftovers = _match(
        rows,
        blocks,
        row_key=lambda row: row.key,
        spec_key=lambda spec: spec.key,
        same_slot=lambda row, spec: (
            not row.is_archived and row.position == spec.position and row.kind == spec.kind
        ),
    )
    _retire(leftovers, counts)
    _vacate_positions(pairs)
    for spec, row in pairs:
        summary.blocks_by_kind[spec.kind] = summary.blocks_by_kind.get(spec.kind, 0) + 1
        values = {
            "key": spec.key,
            "position": spec.position,
            "kind": spec.kind,
            "payload": spec.payload,
            "is_archived": False,
        }
        if row is None:
            ContentBlock.objects.create(section=section, **values)
            counts.created += 1
        else:
            _save_if_changed(row, values, counts)


def _objectives_sync(
    module: Module, parsed: ParsedModule, sections: dict[str, Section], summary: ImportSummary
) -> None:
    """The course's own objectives follow the text; supplements keep theirs, numbered after.

    A supplement whose slug the text now states becomes the course's objective (same row, so
    questions keep pointing at it).
    """
    counts = summary.counts["objectives"]
    stated = {spec.slug for spec in parsed.objectives}
    everything = list(module.objectives.prefetch_related("taught_in"))
    rows = [row for row in everything if row.origin == ObjectiveOrigin.COURSE or row.slug in stated]
    supplements = sorted(
        (row for row in everything if row not in rows and not row.is_archived),
        key=lambda row: row.position,
    )
    moving = _positions_to_change(supplements, first_position=len(parsed.objectives) + 1)
    _park(moving)
    pairs, leftovers = _match(
        rows,
        parsed.objectives,
        row_key=lambda row: row.slug,
        spec_key=lambda spec: spec.slug,
        same_slot=lambda row, spec: not row.is_archived and row.position == spec.position,
    )
    _retire(leftovers, counts)
    _vacate_positions(pairs)
    for spec, row in pairs:
        values = {
            "position": spec.position,
            "text": spec.text,
            "is_archived": False,
            "origin": ObjectiveOrigin.COURSE,
        }
        wanted = {sections[slug].pk for slug in spec.section_slugs}
        if row is None:
            row = LearningObjective.objects.create(module=module, slug=spec.slug, **values)
            row.taught_in.set(wanted)
            counts.created += 1
            continue
        current = {section.pk for section in row.taught_in.all()}
        fields_changed = fields_update_changed(row=row, values=values)
        if current != wanted:
            row.taught_in.set(wanted)
        if fields_changed or current != wanted:
            counts.updated += 1
        else:
            counts.unchanged += 1
    _place(moving)
    counts.updated += len(moving)


type PositionChange = tuple[LearningObjective, int]


def _positions_to_change(
    rows: Sequence[LearningObjective], *, first_position: int
) -> list[PositionChange]:
    """(row, new position) for the rows not already numbered from `first_position` in order."""
    return [
        (row, first_position + offset)
        for offset, row in enumerate(rows)
        if row.position != first_position + offset
    ]


def _park(moving: Sequence[PositionChange]) -> None:
    """Move rows about to change position out of every position in use."""
    for index, (row, _) in enumerate(moving):
        LearningObjective.objects.filter(pk=row.pk).update(
            position=SUPPLEMENT_PARKING_OFFSET + index
        )


def _place(moving: Sequence[PositionChange]) -> None:
    for row, position in moving:
        LearningObjective.objects.filter(pk=row.pk).update(
            position=position, updated_at=timezone.now()
        )
        row.position = position


def _takeaways_sync(module: Module, parsed: ParsedModule, summary: ImportSummary) -> None:
    counts = summary.counts["takeaways"]
    rows = {row.position: row for row in module.takeaways.all()}
    for position, text in enumerate(parsed.takeaways, start=1):
        values = {"text": text, "text_html": markdown_render_inline(text=text)}
        row = rows.pop(position, None)
        if row is None:
            KeyTakeaway.objects.create(module=module, position=position, **values)
            counts.created += 1
        else:
            _save_if_changed(row, values, counts)
    _retire(list(rows.values()), counts)


def _course_get_or_create(slug: str, title: str, summary: ImportSummary) -> Course:
    counts = summary.counts["courses"]
    course = Course.objects.select_for_update().filter(slug=slug).first()
    if course is None:
        counts.created += 1
        return Course.objects.create(slug=slug, title=title or slug.replace("-", " ").title())
    if title:
        _save_if_changed(course, {"title": title}, counts)
    else:
        counts.unchanged += 1
    return course


def module_slug_for(*, number: str, title: str) -> str:
    """ "module-1-1" for numbered modules (stable across title edits), else the title's slug."""
    return f"module-{number.replace('.', '-')}" if number else slugify(title)[:100]


def module_import(
    *, source: bytes | str, course_slug: str, course_title: str = "", source_name: str = ""
) -> ImportSummary:
    """Import one module file into a course, creating or updating rows in place.

    Idempotent: every row is compared before it is written, so importing the same file again
    writes nothing and `imported_at` keeps its value. Sections and objectives match by slug, then
    by position (a renamed heading keeps its row and slug); removed ones are deleted, or archived
    when another app's rows point at them. All or nothing: one transaction, and parsing finishes
    before it opens. Raises CourseImportError (with nothing written) for unusable input.
    """
    raw = source.encode("utf-8") if isinstance(source, str) else source
    slug = slugify(course_slug)
    if not slug:
        raise CourseImportError("The course slug must contain letters or digits.")
    parsed = module_parse(raw=raw)
    summary = ImportSummary(course_slug=slug, repair=parsed.repair)
    with transaction.atomic():
        course = _course_get_or_create(slug, course_title, summary)
        module = _module_sync(course, parsed, source_name, summary)
        sections = _sections_sync(module, parsed, summary)
        _objectives_sync(module, parsed, sections, summary)
        _takeaways_sync(module, parsed, summary)
        if summary.changed:
            Module.objects.filter(pk=module.pk).update(imported_at=timezone.now())
    summary.module_slug, summary.module_id = module.slug, module.pk
    summary.module_title = module.display_title
    logger.info(
        "Imported module %s into %s (changed: %s)", module.slug, course.slug, summary.changed
    )
    return summary


def _module_sync(
    course: Course, parsed: ParsedModule, source_name: str, summary: ImportSummary
) -> Module:
    counts = summary.counts["modules"]
    values = {
        "title": parsed.title,
        "number": parsed.number,
        "intro_markdown": parsed.intro_markdown,
        "intro_html": markdown_render(text=parsed.intro_markdown),
        "summary_markdown": parsed.summary_markdown,
        "summary_html": markdown_render(text=parsed.summary_markdown),
        "source_sha256": parsed.source_sha256,
    }
    if source_name:  # an import from text keeps the file name of the last file import
        values["source_name"] = source_name
    slug = module_slug_for(number=parsed.number, title=parsed.title)
    lookup = {"number": parsed.number} if parsed.number else {"slug": slug}
    module = Module.objects.filter(course=course, **lookup).first()
    if module is None:
        counts.created += 1
        return Module.objects.create(course=course, slug=slug, **values)
    _save_if_changed(module, values, counts)
    return module


def module_import_file(*, path: Path, course_slug: str, course_title: str = "") -> ImportSummary:
    """`module_import` for a file on disk; an unreadable file is a CourseImportError too."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CourseImportError(f"Cannot read {path}: {error.strerror or error}.") from error
    return module_import(
        source=raw, course_slug=course_slug, course_title=course_title, source_name=path.name
    )


def section_body_update(*, section: Section, body_markdown: str) -> Section:
    """Replace a section's Markdown (instructor edit): re-render the HTML and re-extract blocks."""
    summary = ImportSummary()
    with transaction.atomic():
        section.body_markdown = body_markdown
        section.body_html = markdown_render(text=body_markdown)
        section.save(update_fields=["body_markdown", "body_html", "updated_at"])
        _blocks_sync(
            section, blocks_extract(tokens=markdown_parser().parse(body_markdown)), summary
        )
    return section
