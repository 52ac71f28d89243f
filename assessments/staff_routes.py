"""How instructor routes find the course module of what their URL names (`ModuleOf`), so
`course_staff_required` / `IsCourseStaff` admit only the staff of that course."""

from typing import Any

from assessments.models import Assessment, Question
from courses import api as courses_api


def question_module(kwargs: dict[str, Any]) -> int | None:
    return (
        Question.objects.filter(pk=kwargs["question_id"])
        .values_list("section__module_id", flat=True)
        .first()
    )


def assessment_module(kwargs: dict[str, Any]) -> int | None:
    return (
        Assessment.objects.filter(slug=kwargs["slug"]).values_list("module_id", flat=True).first()
    )


def course_module(kwargs: dict[str, Any]) -> int | None:
    return courses_api.module_id_for(
        course_slug=kwargs["course_slug"], module_slug=kwargs["module_slug"]
    )
