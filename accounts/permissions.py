"""The one place that decides who counts as an instructor, for pages and for API endpoints."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User

ViewFunction = Callable[..., HttpResponse]


def user_is_instructor(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_instructor)


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


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of a request that a permission check has already let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user
