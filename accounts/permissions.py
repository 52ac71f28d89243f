"""The one place that decides who counts as an instructor, for pages and for API endpoints.

Two gates, one rule each:
- `instructor_required` / `IsInstructor`: may this person open instructor pages at all (the
  instructor or admin role, or staff of at least one course);
- `course_staff_required` / `IsCourseStaff`: may they act on this object, i.e. are they staff of
  the course the object belongs to (`courses.api.user_may_edit_course`, the per-course rule).
  A route names how its URL finds the object's module (`ModuleOf`); an object of another course
  answers 404, as a missing one does, so staff of course A learn nothing of course B.
Lists take `staff_module_scope(user)` as their selector's `module_ids`, so the SQL filters them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from courses import api as courses_api
from quayside.scope import ModuleScope

ViewFunction = Callable[..., HttpResponse]
# How a route finds the course module of the object its URL names: None when there is none.
ModuleOf = Callable[[dict[str, Any]], int | None]
# The attribute of an API view that IsCourseStaff reads: `course_module_of = staticmethod(...)`.
MODULE_OF_ATTRIBUTE = "course_module_of"


def user_is_instructor(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_instructor or courses_api.user_is_staff_anywhere(user))


def staff_module_scope(user: Any) -> ModuleScope:
    """The modules whose results and content this user may see as staff (None: every module)."""
    return courses_api.module_ids_for_staff(user)


def user_may_edit_module(user: Any, module_id: int | None) -> bool:
    if module_id is None:
        return False
    return courses_api.user_may_edit_module(user, module_id)


def user_may_edit_section(user: Any, section_id: int) -> bool:
    """May this user put content into this section (staff of its course)? False if no such."""
    try:
        section = courses_api.section_get(section_id=section_id)
    except courses_api.CourseContentNotFoundError:
        return False
    return user_may_edit_module(user, section.module_id)


def _staff_gate(
    admits: Callable[[Any, dict[str, Any]], bool],
) -> Callable[[ViewFunction], ViewFunction]:
    def decorator(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_is_instructor(request.user):
                raise PermissionDenied("Only instructors and administrators can open this page.")
            if not admits(request.user, kwargs):
                raise Http404("Not found in the courses you teach.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def course_staff_required(module_of: ModuleOf) -> Callable[[ViewFunction], ViewFunction]:
    """`instructor_required`, then staff of the course of the object the URL names, or 404."""
    return _staff_gate(lambda user, kwargs: user_may_edit_module(user, module_of(kwargs)))


def course_slug_staff_required(view: ViewFunction) -> ViewFunction:
    """`course_staff_required` for routes naming the course itself (`<course_slug>`)."""
    return _staff_gate(
        lambda user, kwargs: courses_api.user_may_edit_course(user, str(kwargs["course_slug"]))
    )(view)


def instructor_required(view: ViewFunction) -> ViewFunction:
    """Anonymous users are sent to log in; signed-in learners get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_instructor(request.user):
            raise PermissionDenied("Only instructors and administrators can open this page.")
        return view(request, *args, **kwargs)

    return wrapped


class IsInstructor(BasePermission):
    message = "Only instructors and administrators can use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return user_is_instructor(request.user)


class IsCourseStaff(IsInstructor):
    """IsInstructor, then staff of the course of the object the URL names (404 otherwise).

    The view names how its URL finds the module: `course_module_of = staticmethod(<ModuleOf>)`.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        module_of: ModuleOf | None = getattr(view, MODULE_OF_ATTRIBUTE, None)
        if module_of is None:
            raise ImproperlyConfigured(f"{type(view).__name__} names no {MODULE_OF_ATTRIBUTE}.")
        if not user_may_edit_module(request.user, module_of(view.kwargs)):
            raise NotFound("Not found in the courses you teach.")
        return True


class IsCourseSlugStaff(IsInstructor):
    """IsInstructor, then staff of the course the URL names by `<course_slug>` (404 otherwise)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if not courses_api.user_may_edit_course(request.user, str(view.kwargs["course_slug"])):
            raise NotFound("Not found in the courses you teach.")
        return True


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of a request that a permission check has already let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user
