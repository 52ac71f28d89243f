"""The public course reader: server-rendered pages, no login needed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from courses import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    courses = selectors.course_list_for_reader()
    modules = [module for course in courses for module in course.modules.all()]
    featured = modules[0] if len(modules) == 1 else None
    return render(request, "courses/home.html", {"courses": courses, "featured": featured})


@require_safe
def module_detail(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    overview = selectors.module_get_for_reader(course_slug=course_slug, module_slug=module_slug)
    return render(request, "courses/module_detail.html", {"overview": overview})


@require_safe
def section_detail(
    request: HttpRequest, course_slug: str, module_slug: str, section_slug: str
) -> HttpResponse:
    reading = selectors.section_get_for_reader(
        course_slug=course_slug, module_slug=module_slug, section_slug=section_slug
    )
    return render(request, "courses/section_detail.html", {"reading": reading})
