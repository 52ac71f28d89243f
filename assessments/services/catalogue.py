"""Creates the module's assessments (a quiz per section, the final exam, a practice quiz) from
the catalogue file. Idempotent: settings are updated by slug and slots replaced only if changed.

Every assessment is drawn by a blueprint: slots by section, question type and points, so every
form has the same maximum and the same mix. Loading refuses a blueprint that the ready questions
of its pool (the exam pool for the final exam, the others for quizzes and practice) cannot fill
on every draw, naming each slot that falls short; a refused file writes nothing.
"""

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Q

from assessments.models import Assessment, AssessmentKind, AssessmentSlot
from assessments.question_types import QUESTION_TYPES
from assessments.services.draw import blueprint_shortfalls
from courses import api as courses_api
from quayside.models_sync import fields_update_changed

_SETTING_FIELDS = (
    "time_limit_seconds",
    "attempts_allowed",
    "grading_method",
    "passing_percent",
    "feedback_policy",
    "one_question_per_page",
    "review_shows_correct_answers",
    "review_shows_feedback",
    "review_shows_item_grades",
    "description",
)
_SLOT_FIELDS = frozenset({"section", "type", "points", "count"})
# What a slot row holds besides its position; compared to decide whether slots changed.
_SLOT_COLUMNS = (
    "question_id",
    "pool_section_id",
    "pool_objective_id",
    "pool_tags",
    "pool_type",
    "pool_points",
    "draw_count",
)


class CatalogueError(ValueError):
    """The catalogue cannot be loaded; `problems` names each assessment and slot at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class CatalogueSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    slug: str
    defaults: dict[str, Any]
    slots: list[dict[str, Any]]
    # How problems name it: the catalogue's own name (`quiz-<section>` for a section quiz).
    label: str


SECTION_QUIZ_PREFIX = "quiz-"
# Assessment.slug's max_length: a derived slug is cut to it.
ASSESSMENT_SLUG_MAX_LENGTH = Assessment._meta.get_field("slug").max_length or 120


# Room kept at the end of a cut slug for a "-N" suffix (the query for taken ones looks past it).
_NUMBER_ROOM = 4


def _cut(slug: str) -> str:
    return slug[:ASSESSMENT_SLUG_MAX_LENGTH].rstrip("-")


def section_quiz_slug(*, section: courses_api.SectionData) -> str:
    """The slug of a section's quiz. Slugs are unique across courses, and section slugs come from
    headings, so two courses may both have a "Docker Architecture" section:

    - a quiz the section already has keeps its slug (re-syncs never rename it);
    - else `quiz-<section>` if no assessment holds it;
    - else `quiz-<course>-<section>`, then that with `-2`, `-3`... (cut to the column's length).
    """
    existing = (
        Assessment.objects.filter(
            section_id=section.id, module_id=section.module_id, kind=AssessmentKind.SECTION_QUIZ
        )
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    if existing is not None:
        return existing
    short = _cut(f"{SECTION_QUIZ_PREFIX}{section.slug}")
    namespaced = _cut(f"{SECTION_QUIZ_PREFIX}{section.course_slug}-{section.slug}")
    stem = namespaced[: ASSESSMENT_SLUG_MAX_LENGTH - _NUMBER_ROOM]
    taken = set(
        Assessment.objects.filter(Q(slug=short) | Q(slug__startswith=stem)).values_list(
            "slug", flat=True
        )
    )
    for candidate in (short, namespaced):
        if candidate not in taken:
            return candidate
    for number in itertools.count(2):
        suffix = f"-{number}"
        candidate = _cut(namespaced[: ASSESSMENT_SLUG_MAX_LENGTH - len(suffix)]) + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: the numbers never run out")


def _settings(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {name: entry[name] for name in _SETTING_FIELDS if name in entry}


def _slot(
    raw: object, *, where: str, sections: Mapping[str, int], section: str | None
) -> dict[str, Any]:
    """One blueprint slot as AssessmentSlot fields; raises CatalogueError naming what is wrong."""
    if not isinstance(raw, Mapping):
        raise CatalogueError([f"{where}: a slot is a mapping of section, type, points, count"])
    problems = [f"{where}: unknown field {name!r}" for name in sorted(set(raw) - _SLOT_FIELDS)]
    section_slug = section if section is not None else raw.get("section")
    if section is not None and "section" in raw:
        problems.append(f"{where}: a quiz slot takes its section from the quiz")
    if section_slug not in sections:
        problems.append(f"{where}: unknown section {section_slug!r}")
    if raw.get("type") not in QUESTION_TYPES:
        problems.append(f"{where}: unknown question type {raw.get('type')!r}")
    try:
        points = Decimal(str(raw.get("points")))
    except InvalidOperation:
        points = Decimal(0)
    if not points > 0:
        problems.append(f"{where}: points must be a positive number, not {raw.get('points')!r}")
    count = raw.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        problems.append(f"{where}: count must be a whole number of at least 1, not {count!r}")
    if problems:
        raise CatalogueError(problems)
    return {
        "question_id": None,
        "pool_section_id": sections[str(section_slug)],
        "pool_objective_id": None,
        "pool_tags": [],
        "pool_type": raw["type"],
        "pool_points": points,
        "draw_count": count,
    }


def _blueprint(
    raw: object, *, where: str, sections: Mapping[str, int], section: str | None = None
) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise CatalogueError([f"{where}: the blueprint must be a non-empty list of slots"])
    slots, problems = [], []
    for index, entry in enumerate(raw, start=1):
        try:
            slots.append(
                _slot(entry, where=f"{where} slot {index}", sections=sections, section=section)
            )
        except CatalogueError as error:
            problems += error.problems
    if problems:
        raise CatalogueError(problems)
    return slots


def _plan(catalogue: Mapping[str, Any], *, module_id: int) -> list[_Planned]:
    """Every assessment the file describes, validated; raises CatalogueError with all problems."""
    sections = courses_api.section_list_for_module(module_id=module_id)
    slugs = {section.slug: section.id for section in sections}
    quiz = catalogue["section_quiz"]
    quiz_blueprints = quiz.get("blueprints") or {}
    problems = [
        f"section_quiz: blueprint for unknown section {slug!r}"
        for slug in sorted(set(quiz_blueprints) - set(slugs))
    ]
    planned: list[_Planned] = []
    for section in sections:
        where = f"{SECTION_QUIZ_PREFIX}{section.slug}"
        try:
            slots = _blueprint(
                quiz_blueprints.get(section.slug), where=where, sections=slugs, section=section.slug
            )
        except CatalogueError as error:
            problems += error.problems
            continue
        defaults = {
            "title": f"Section {section.position} quiz: {section.title}",
            "kind": AssessmentKind.SECTION_QUIZ,
            "module_id": module_id,
            "section_id": section.id,
            **_settings(quiz),
        }
        planned.append(_Planned(section_quiz_slug(section=section), defaults, slots, label=where))
    for kind, entry in (
        (AssessmentKind.FINAL_EXAM, catalogue["final_exam"]),
        (AssessmentKind.PRACTICE, catalogue["practice"]),
    ):
        try:
            slots = _blueprint(entry.get("blueprint"), where=entry["slug"], sections=slugs)
        except CatalogueError as error:
            problems += error.problems
            continue
        defaults = {"title": entry["title"], "kind": kind, "module_id": module_id}
        planned.append(
            _Planned(entry["slug"], defaults | _settings(entry), slots, label=entry["slug"])
        )
    for plan in planned:
        problems += [
            f"{plan.label}: {problem}"
            for problem in blueprint_shortfalls(
                assessment=Assessment(kind=plan.defaults["kind"]),
                slots=[
                    AssessmentSlot(position=position, **slot)
                    for position, slot in enumerate(plan.slots, start=1)
                ],
            )
        ]
    if problems:
        raise CatalogueError(problems)
    return planned


def _upsert(plan: _Planned, summary: CatalogueSummary) -> None:
    assessment = Assessment.objects.filter(slug=plan.slug).first()
    created = assessment is None
    if assessment is None:
        assessment = Assessment.objects.create(slug=plan.slug, **plan.defaults)
        summary.created.append(plan.slug)
    changed = [] if created else fields_update_changed(row=assessment, values=plan.defaults)
    current = list(assessment.slots.order_by("position").values(*_SLOT_COLUMNS))
    if current != plan.slots:
        assessment.slots.all().delete()
        AssessmentSlot.objects.bulk_create(
            AssessmentSlot(assessment=assessment, position=position, **slot)
            for position, slot in enumerate(plan.slots, start=1)
        )
        # A new blueprint is a change of the assessment: its updated_at keys the drawing plans
        # that processes keep (assessments.services.draw), so the next start draws by it.
        assessment.save(update_fields=["updated_at"])
    if not created:
        (summary.updated if changed or current != plan.slots else summary.unchanged).append(
            plan.slug
        )


@transaction.atomic
def assessments_load(*, module_id: int, path: Path) -> CatalogueSummary:
    """Create or update every assessment of the catalogue file. Load the question bank first:
    a blueprint its pool cannot fill is refused (CatalogueError), and nothing is written."""
    catalogue = yaml.safe_load(path.read_text(encoding="utf-8"))
    summary = CatalogueSummary()
    plans = _plan(catalogue, module_id=module_id)
    # Slugs are unique across courses: one another module holds is refused, never taken over.
    taken = (
        Assessment.objects.filter(slug__in=[plan.slug for plan in plans])
        .exclude(module_id=module_id)
        .values_list("slug", flat=True)
    )
    if taken:
        raise CatalogueError(
            [
                f"{slug}: the slug belongs to an assessment of another course; "
                "assessment slugs are unique across all courses"
                for slug in sorted(taken)
            ]
        )
    for plan in plans:
        _upsert(plan, summary)
    return summary
