"""Request bodies are capped from their Content-Length, before anything reads or spools them.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts only the non-file fields of a form, and an uploaded
file is streamed to a temporary file whatever its size; DRF's JSON parser reads whatever the
client sends. So RequestBodyLimitMiddleware refuses, with 413, a request whose declared length
is over its view's cap, before CSRF or a parser touches the body. Django reads at most
Content-Length bytes (a body sent without one reads as empty), so the declared length bounds
what is read.

Every view gets REQUEST_BODY_MAX_BYTES; a view that takes files declares its own cap, larger or
smaller, with `request_body_limit(max_bytes=...)` (functions) or a `max_request_body_bytes`
class attribute (DRF and class-based views).
"""

from collections.abc import Callable
from typing import Any, Final, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from quayside.problem_details import PROBLEM_MEDIA_TYPE, problem_body

# Multipart boundaries, part headers and the small fields beside a file (CSRF token, a code).
MULTIPART_OVERHEAD_BYTES: Final = 64 * 1024
LIMIT_ATTRIBUTE: Final = "max_request_body_bytes"
TOO_LARGE_CODE: Final = "too_large"

ViewFunction = TypeVar("ViewFunction", bound=Callable[..., Any])


def request_body_limit(*, max_bytes: int) -> Callable[[ViewFunction], ViewFunction]:
    """Give a function view its own body cap (apply it outermost, above other decorators)."""

    def decorate(view: ViewFunction) -> ViewFunction:
        setattr(view, LIMIT_ATTRIBUTE, max_bytes)
        return view

    return decorate


def body_limit_for(view: Callable[..., Any]) -> int:
    """The cap of a resolved view: its own, its class's, or REQUEST_BODY_MAX_BYTES."""
    own = getattr(view, LIMIT_ATTRIBUTE, None)
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    declared = own if own is not None else getattr(view_class, LIMIT_ATTRIBUTE, None)
    return int(declared) if declared is not None else int(settings.REQUEST_BODY_MAX_BYTES)


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads such a body as empty, so nothing is read


def too_large_response(request: HttpRequest, *, max_bytes: int) -> HttpResponse:
    detail = (
        f"The request body is {declared_length(request)} bytes; this address accepts at most "
        f"{max_bytes} bytes."
    )
    if request.path.startswith("/api/"):
        body = problem_body(
            status=413, code=TOO_LARGE_CODE, detail=detail, instance=request.path, errors=None
        )
        return JsonResponse(body, status=413, content_type=PROBLEM_MEDIA_TYPE)
    return render(
        request,
        "request_refused.html",
        {
            "title": "Too large",
            "message": (
                f"What you sent is larger than the {max_bytes // 1024} KB this page accepts."
            ),
            "hint": "Nothing was saved. Send a smaller file.",
        },
        status=413,
    )


class RequestBodyLimitMiddleware:
    """Place it before CsrfViewMiddleware, whose process_view reads POST bodies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        max_bytes = body_limit_for(view_func)
        if declared_length(request) > max_bytes:
            return too_large_response(request, max_bytes=max_bytes)
        return None
