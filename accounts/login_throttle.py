"""Log-in throttling with django-axes: how an account is named, and what a lockout answers.

Axes counts failed authentications per account and per client address (settings: AXES_*,
LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_MINUTES) for the portal's and the admin's log-in forms alike.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKED_OUT_STATUS = 429


class LogInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for log-ins that come with a request (every form: portal and
    admin). authenticate() without one (a test client's login(), a script) has no client to
    count, so it is passed on to the model backend instead of refused."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None


def login_account_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a log-in names, as stored (lower-cased), so `Ada@X.org` and `ada@x.org`
    share one count. Axes passes the credentials given to authenticate(), or none (then the
    form field)."""
    typed = (credentials or {}).get("email") or (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "") if request.method == "POST" else ""
    return str(typed).strip().lower()


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a page answering 429 with Retry-After (log-ins are forms only;
    the API takes tokens, never passwords)."""
    minutes = _lockout_minutes()
    response = render(
        request,
        "request_refused.html",
        {
            "title": "Log-in paused",
            "message": (
                "Too many failed log-ins for this account or from this address. Try again in "
                f"{minutes} minutes, or reset your password."
            ),
            "hint": "Nothing is wrong with your account: this pause protects it from guessing.",
        },
        status=LOCKED_OUT_STATUS,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
