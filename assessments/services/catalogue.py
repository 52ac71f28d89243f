"""Creates the module's assessments (a quiz per section, the final exam, a practice quiz) from
the catalogue file. Idempotent: settings are updated by slug and slots replaced only if changed."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from assessments.models import Assessment, AssessmentKind, AssessmentSlot
from courses import api as courses_api
from quayside.models_sync import fields_update_changed

CATALOGUE_DIRECTORY = Path(__file__).resolve().parents[1] / "catalogue"
_SETTING_FIELDS = (
    "time_limit_seconds",
    "attempts_allowed",
    "grading_method",
    "passing_percent",
    "feedback_policy",
    "one_question_per_page",
    "review_shows_correct_answers",
    "description",
)


@dataclass
class CatalogueSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _settings(entry: dict[str, Any]) -> dict[str, Any]:
    return {name: entry[name] for name in _SETTING_FIELDS if name in entry}


def _upsert(
    *, slug: str, defaults: dict[str, Any], slots: list[dict[str, Any]], summary: CatalogueSummary
) -> None:
    assessment = Assessment.objects.filter(slug=slug).first()
    if assessment is None:
        assessment = Assessment.objects.create(slug=slug, **defaults)
        summary.created.append(slug)
    changed = (
        [] if slug in summary.created else fields_update_changed(row=assessment, values=defaults)
    )
    current = list(assessment.slots.order_by("position").values("pool_section_id", "draw_count"))
    wanted = [
        {"pool_section_id": slot["pool_section_id"], "draw_count": slot["draw_count"]}
        for slot in slots
    ]
    if current != wanted:
        assessment.slots.all().delete()
        AssessmentSlot.objects.bulk_create(
            AssessmentSlot(assessment=assessment, position=position, **slot)
            for position, slot in enumerate(wanted, start=1)
        )
    if slug not in summary.created:
        (summary.updated if changed or current != wanted else summary.unchanged).append(slug)


@transaction.atomic
def assessments_load(*, module_id: int, path: Path) -> CatalogueSummary:
    catalogue = yaml.safe_load(path.read_text(encoding="utf-8"))
    sections = courses_api.section_list_for_module(module_id=module_id)
    summary = CatalogueSummary()
    quiz = catalogue["section_quiz"]
    for section in sections:
        _upsert(
            slug=f"quiz-{section.slug}",
            defaults={
                "title": f"Section {section.position} quiz: {section.title}",
                "kind": AssessmentKind.SECTION_QUIZ,
                "module_id": module_id,
                "section_id": section.id,
                **_settings(quiz),
            },
            slots=[{"pool_section_id": section.id, "draw_count": quiz["draw_per_section"]}],
            summary=summary,
        )
    for kind, entry in (
        (AssessmentKind.FINAL_EXAM, catalogue["final_exam"]),
        (AssessmentKind.PRACTICE, catalogue["practice"]),
    ):
        _upsert(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "kind": kind,
                "module_id": module_id,
                **_settings(entry),
            },
            slots=[
                {"pool_section_id": section.id, "draw_count": entry["draw_per_section"]}
                for section in sections
            ],
            summary=summary,
        )
    return summary
