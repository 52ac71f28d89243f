"""The instructors' analytics pages. Every view is wrapped in instructor_required (see urls)."""

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.api import request_user, staff_module_scope
from assessments import analytics_charts as charts
from assessments.models import Question, QuestionStatus
from assessments.selectors import questions as question_selectors
from assessments.selectors.analytics import (
    assessments_for_analytics,
    mastery_grid_get,
    pooled_facility,
    question_statistics_by_version,
)
from assessments.selectors.portal import assessment_get_for_instructor
from assessments.selectors.statistics import (
    AssessmentStatistics,
    assessment_statistics_get,
    selection_default,
)
from assessments.services.item_actions import (
    difficulty_from_facility,
    question_difficulty_set_from_facility,
)
from assessments.services.questions import question_status_set
from assessments.statistics import AttemptSelection, ItemStatistics
from assessments.statistics.flags import FACILITY_MAX, FACILITY_MIN, FLAG_LABELS
from assessments.statistics.report import items_csv_rows
from courses import api as courses_api

# Columns of the item table an instructor can sort by (the query's `sort`), and their labels.
SORTABLE_COLUMNS = {
    "position": "#",
    "item": "Item",
    "attempts": "Attempts",
    "facility": "Facility",
    "sd": "SD",
    "random_guess_score": "Random guess",
    "intended_weight": "Intended weight",
    "effective_weight": "Effective weight",
    "discrimination_index": "Discrimination index",
    "discriminative_efficiency": "Discriminative efficiency",
    "flags": "Flags",
}


@dataclass(frozen=True)
class ItemRow:
    position: int
    item: ItemStatistics
    question_id: int | None
    prompt: str
    flag_labels: list[str]

    def sort_key(self, column: str) -> tuple[bool, Any]:
        """Undefined values sort last whichever the direction (see `_sorted`)."""
        if column == "position":
            return (False, self.position)
        if column == "item":
            return (False, self.item.item.lower())
        if column == "flags":
            return (False, len(self.item.flags))
        value = getattr(self.item, column)
        return (value is None, value if value is not None else 0)


def _selection(request: HttpRequest, default: AttemptSelection) -> AttemptSelection:
    try:
        return AttemptSelection(request.GET.get("attempts") or default)
    except ValueError:
        return default


def _statistics_or_404(request: HttpRequest, slug: str) -> AssessmentStatistics:
    assessment = assessment_get_for_instructor(slug=slug)
    selection = _selection(request, selection_default(assessment=assessment))
    return assessment_statistics_get(assessment=assessment, selection=selection)


def _item_url(question_id: int | None) -> str:
    if question_id is None:
        return ""
    return reverse("authoring:question_statistics", kwargs={"question_id": question_id})


def _rows(statistics: AssessmentStatistics) -> list[ItemRow]:
    rows = []
    for position, item in enumerate(statistics.report.items, start=1):
        ref = statistics.items.get(item.item)
        rows.append(
            ItemRow(
                position=position,
                item=item,
                question_id=ref.question_id if ref else None,
                prompt=ref.prompt if ref else "",
                flag_labels=[FLAG_LABELS[flag] for flag in item.flags],
            )
        )
    return rows


def _sorted(rows: list[ItemRow], column: str, descending: bool) -> list[ItemRow]:
    defined = [row for row in rows if not row.sort_key(column)[0]]
    undefined = [row for row in rows if row.sort_key(column)[0]]
    defined.sort(key=lambda row: row.sort_key(column)[1], reverse=descending)
    return defined + undefined


@require_GET
def analytics_index(request: HttpRequest) -> HttpResponse:
    results = assessments_for_analytics(module_ids=staff_module_scope(request.user))
    modules = {row.assessment.module_id: row.assessment.module for row in results}
    return render(
        request,
        "assessments/analytics/index.html",
        {"results": results, "modules": sorted(modules.values(), key=lambda m: m.pk)},
    )


@require_GET
def assessment_report(request: HttpRequest, slug: str) -> HttpResponse:
    statistics = _statistics_or_404(request, slug)
    column = request.GET.get("sort", "position")
    if column not in SORTABLE_COLUMNS:
        column = "position"
    descending = request.GET.get("dir") == "desc"
    rows = _rows(statistics)
    plotted = [
        charts.ScatterInput(
            name=row.item.item,
            facility=row.item.facility,
            discrimination=row.item.discrimination_index,
            flagged=bool(row.item.flags),
            url=_item_url(row.question_id),
        )
        for row in rows
        if row.item.facility is not None and row.item.discrimination_index is not None
    ]
    histogram = charts.histogram(
        percents=statistics.report.attempt_percents, pass_percent=statistics.passing_percent
    )
    return render(
        request,
        "assessments/analytics/report.html",
        {
            "statistics": statistics,
            "test": statistics.report.test,
            "rows": _sorted(rows, column, descending),
            "flagged_count": sum(1 for row in rows if row.item.flags),
            "histogram": histogram,
            "bins": [(bar.label, bar.count) for bar in histogram.bars],
            "scatter": charts.scatter(items=plotted, guides=(FACILITY_MIN, FACILITY_MAX)),
            "unplotted": [row for row in rows if row.item.discrimination_index is None],
            "columns": SORTABLE_COLUMNS,
            "sort": column,
            "descending": descending,
            "selections": [selection.value for selection in AttemptSelection],
        },
    )


@require_GET
def assessment_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    statistics = _statistics_or_404(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-item-statistics.csv"'
    csv.writer(response, lineterminator="\n").writerows(items_csv_rows(statistics.report))
    return response


@require_GET
def course_report(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    module = courses_api.module_get(course_slug=course_slug, module_slug=module_slug)
    grid = mastery_grid_get(module=module)
    return render(
        request,
        "assessments/analytics/course.html",
        {
            "grid": grid,
            "heatmap": charts.heatmap(
                learners=[name for name, _ in grid.rows],
                sections=[section.title for section in grid.sections],
                percents=[percents for _, percents in grid.rows],
            ),
            "bands": charts.MASTERY_BANDS,
        },
    )


def _question_or_404(question_id: int) -> Question:
    try:
        return question_selectors.question_get(question_id=question_id)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None


@require_GET
def question_statistics(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    rows = question_statistics_by_version(question=question)
    facility = pooled_facility(rows)
    suggested = None if facility is None else difficulty_from_facility(facility)
    return render(
        request,
        "assessments/analytics/question_statistics.html",
        {
            "question": question,
            "version": question.current_version,
            "rows": rows,
            "facility": facility,
            "suggested_difficulty": suggested,
            "flag_labels": FLAG_LABELS,
        },
    )


@require_POST
def question_retire(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    question_status_set(question=question, status=QuestionStatus.RETIRED)
    messages.success(request, f"Retired {question.key}: no new attempt will draw it.")
    return redirect("authoring:question_statistics", question_id=question.pk)


@require_POST
def question_difficulty_from_facility(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    facility = pooled_facility(question_statistics_by_version(question=question))
    if facility is None:
        messages.error(request, "The current version has no observed facility yet.")
        return redirect("authoring:question_statistics", question_id=question.pk)
    version = question_difficulty_set_from_facility(
        question=question, facility=facility, author=request_user(request)
    )
    if version is None:
        messages.info(request, "The difficulty already matches the observed facility.")
    else:
        messages.success(
            request,
            f"Saved version {version.number} with difficulty {version.difficulty}; "
            "its statistics start afresh.",
        )
    return redirect("authoring:question_statistics", question_id=question.pk)
