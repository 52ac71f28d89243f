"""The public course reader (server-rendered pages, no login needed), the catalogue's
self-enrolment, and the page where a course's staff enrol learners."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from courses import selectors
from courses.enrolment import (
    EnrolmentRefusedError,
    enrolment_by_instructor,
    enrolment_create,
    enrolment_list_for_course,
)
from courses.models import Course, EnrolmentSource


def _course_or_404(course_slug: str) -> Course:
    course = Course.objects.filter(slug=course_slug).first()
    if course is None:
        raise Http404("No such course.")
    return course


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    courses = selectors.course_list_for_reader(user=request.user)
    modules = [module for course in courses for module in course.modules.all()]
    featured = modules[0] if len(modules) == 1 else None
    return render(
        request,
        "courses/home.html",
        {
            "courses": courses,
            "featured": featured,
            "featured_course": courses[0] if featured else None,
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, course_slug: str) -> HttpResponse:
    """Self-enrolment from the catalogue (every course is open; see courses.enrolment)."""
    course = _course_or_404(course_slug)
    if enrolment_create(course=course, learner=request.user, source=EnrolmentSource.SELF):
        messages.success(request, f"You are enrolled in {course.title}.")
    return redirect(f"{reverse('portal:dashboard')}?course={course.slug}")


class EnrolLearnerForm(forms.Form):
    learner_email = forms.EmailField(label="Learner's email")


@require_http_methods(["GET", "POST"])
def course_enrolments(request: HttpRequest, course_slug: str) -> HttpResponse:
    """Staff of the course enrol learners by email (wrapped in course_staff_required, see urls)."""
    course = _course_or_404(course_slug)
    form = EnrolLearnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = enrolment_by_instructor(
                course=course,
                instructor=request.user,
                learner_email=form.cleaned_data["learner_email"],
            )
        except EnrolmentRefusedError as error:
            form.add_error("learner_email", str(error))
        else:
            messages.success(request, "Enrolled." if created else "Already enrolled.")
            return redirect("courses:enrolments", course_slug=course.slug)
    return render(
        request,
        "courses/enrolments.html",
        {"course": course, "form": form, "enrolments": enrolment_list_for_course(course=course)},
    )


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
