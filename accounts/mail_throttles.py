"""Rate limits for the pages that send mail about an account: password reset and sign-up.

A request is counted per submitted email address and per client address, with DRF's throttle
classes (the API's rate limiter: the same shared cache, the same rate syntax, the same client
address rule). Both counts apply to every submitted address, registered or not, so a refusal
reveals nothing about who has an account. Rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
`<scope>_account` and `<scope>_address`.
"""

import math
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

from quayside.client_address import client_address

THROTTLED_STATUS = 429


class _ScopedThrottle(SimpleRateThrottle):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def identity(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        ident = self.identity(request)
        return None if not ident else self.cache_format % {"scope": self.scope, "ident": ident}


class SubmittedAccountThrottle(_ScopedThrottle):
    """Per email address typed into the form, normalised as accounts store it."""

    def identity(self, request: HttpRequest) -> str | None:
        email = str(request.POST.get("email", "")).strip().lower()
        return email or None


class ClientAddressThrottle(_ScopedThrottle):
    def identity(self, request: HttpRequest) -> str | None:
        return client_address(request) or None


def _throttled_page(request: HttpRequest, *, wait_seconds: float) -> HttpResponse:
    minutes = max(math.ceil(wait_seconds / 60), 1)
    response = render(
        request,
        "request_refused.html",
        {
            "title": "Please wait",
            "message": (
                "We have sent several messages for this address recently. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            ),
            "hint": "If a message is on its way, it may take a few minutes to arrive.",
        },
        status=THROTTLED_STATUS,
    )
    response["Retry-After"] = str(math.ceil(wait_seconds))
    return response


ViewFunction = Callable[..., HttpResponseBase]


def mail_throttled(scope: str) -> Callable[[ViewFunction], ViewFunction]:
    """Decorate a view whose POST sends mail about an account: POSTs over either rate get 429."""

    def decorate(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def throttled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                throttles = [
                    SubmittedAccountThrottle(f"{scope}_account"),
                    ClientAddressThrottle(f"{scope}_address"),
                ]
                # DRF's throttles read only request.META and .POST here; no view is needed.
                refused = [
                    throttle
                    for throttle in throttles
                    if not throttle.allow_request(cast(Any, request), cast(Any, None))
                ]
                if refused:
                    wait = max((t.wait() or 0.0) for t in refused)
                    return _throttled_page(request, wait_seconds=wait)
            return view(request, *args, **kwargs)

        return throttled

    return decorate
