"""One error format for the whole API: problem details (RFC 9457, application/problem+json).

`problem_exception_handler` turns every error an API view raises into a body like

    {"type": "urn:quayside:problem:deadline_passed", "title": "Conflict", "status": 409,
     "detail": "The time limit has passed; ...", "instance": "/api/v1/attempts/7/answers/3/",
     "code": "deadline_passed"}

plus `errors` (one entry per invalid field) for validation errors. `ProblemAutoSchema` documents
the error responses every operation can give, so the schema and the server agree.
"""

import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from accounts.api import IsInstructor
from quayside.errors import DomainError

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Problem types are names, not pages: RFC 9457 allows a URI that is not meant to be fetched.
PROBLEM_TYPE_PREFIX = "urn:quayside:problem:"
VALIDATION_CODE = "invalid"
SERVER_ERROR_CODE = "server_error"


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_MEDIA_TYPE
    format = "problem+json"


class Problem(exceptions.APIException):
    """A refusal with its own status and machine-readable code (for domain errors)."""

    def __init__(self, *, status: int, code: str, detail: str) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return VALIDATION_CODE
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _field_errors(detail: Any, path: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested validation detail into [{field, message, code}], fields dotted."""
    if isinstance(detail, dict):
        return [
            error
            for name, nested in detail.items()
            for error in _field_errors(nested, f"{path}.{name}" if path else str(name))
        ]
    if isinstance(detail, list):
        errors = []
        for index, nested in enumerate(detail):
            nested_path = path if isinstance(nested, str) else f"{path}[{index}]"
            errors += _field_errors(nested, nested_path)
        return errors
    code = getattr(detail, "code", VALIDATION_CODE) or VALIDATION_CODE
    return [{"field": path or "non_field_errors", "message": str(detail), "code": str(code)}]


def _detail(exc: exceptions.APIException, errors: list[dict[str, str]]) -> str:
    if isinstance(exc, exceptions.ValidationError):
        if len(errors) == 1:
            return f"{errors[0]['field']}: {errors[0]['message']}"
        return f"The request has {len(errors)} invalid values; see errors."
    return str(exc.detail)


def problem_body(
    *, status: int, code: str, detail: str, instance: str, errors: list[dict[str, str]] | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_PREFIX}{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def domain_problem_response(
    error: DomainError, *, request: HttpRequest, **extra: Any
) -> JsonResponse:
    """A page's JSON endpoint (the portal's autosave) refusing with the API's problem format."""
    body = problem_body(
        status=error.status,
        code=error.code,
        detail=error.message,
        instance=request.path,
        errors=None,
    )
    return JsonResponse(body | extra, status=error.status, content_type=PROBLEM_MEDIA_TYPE)


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, DomainError):
        return Problem(status=exc.status, code=exc.code, detail=exc.message)
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return None


SERVICE_CHALLENGE = 'Service realm="api"'
# The security requirement names drf-spectacular gives service-account authentication.
SERVICE_SCHEME = "serviceAccount"


def _service_credentials(request: Request) -> bool:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    return str(authorization).split(" ", 1)[0].lower() == "service"


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]. Unexpected exceptions stay Django's with DEBUG on
    (the debug page helps); otherwise they are logged and answered with a generic 500 problem."""
    request: Request | None = context.get("request")
    api_exception = _as_api_exception(exc)
    if api_exception is None:
        if settings.DEBUG:
            return None
        logger.error("Unhandled API error", exc_info=exc)
        set_rollback()
        status, code, detail = 500, SERVER_ERROR_CODE, "The server failed to answer."
        errors = None
        headers: dict[str, str] = {}
    else:
        # DRF's own handler sets WWW-Authenticate and Retry-After and rolls the transaction back.
        drf_response = exception_handler(api_exception, context)
        headers = dict(drf_response.headers.items()) if drf_response is not None else {}
        headers.pop("Content-Type", None)
        status, code = api_exception.status_code, _code(api_exception)
        errors = (
            _field_errors(api_exception.detail)
            if isinstance(api_exception, exceptions.ValidationError)
            else None
        )
        detail = _detail(api_exception, errors or [])
        if status == 401 and request is not None and _service_credentials(request):
            # DRF names the first authenticator (Token); a service account is told its own scheme.
            headers["WWW-Authenticate"] = SERVICE_CHALLENGE
    if request is not None:
        # Problems are JSON whatever was negotiated (the browsable API or a CSV download).
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = PROBLEM_MEDIA_TYPE
    instance = request.path if request is not None else ""
    body = problem_body(status=status, code=code, detail=detail, instance=instance, errors=errors)
    return Response(body, status=status, headers=headers)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: a 404 under /api/ answers problem+json, elsewhere the HTML page."""
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    return api_not_found(request)


@csrf_exempt  # it changes nothing; API clients send tokens, not CSRF cookies
def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any method on a path under /api/ that no endpoint serves (routed last under /api/)."""
    body = problem_body(
        status=404,
        code="not_found",
        detail="No API endpoint or object at this path.",
        instance=request.path,
        errors=None,
    )
    return JsonResponse(body, status=404, content_type=PROBLEM_MEDIA_TYPE)


# Schema ---------------------------------------------------------------------------------------


class FieldErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Dotted path of the invalid value in the request.")
    message = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details, with Quayside's `code` (and `errors` for invalid input)."""

    type = serializers.CharField(help_text="urn:quayside:problem:<code>")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for people.")
    instance = serializers.CharField(help_text="The path of the request that failed.")
    code = serializers.CharField(help_text="What went wrong, for programs.")
    # Shadows Serializer.errors for the type checker only: declared fields leave the class body.
    errors = FieldErrorSerializer(  # type: ignore[assignment]
        many=True, required=False, help_text="Only for code=invalid."
    )


def problem_response(description: str, *, code: str, status: int, detail: str) -> OpenApiResponse:
    example = problem_body(
        status=status, code=code, detail=detail, instance="/api/v1/...", errors=None
    )
    return OpenApiResponse(
        ProblemSerializer,
        description=description,
        examples=[OpenApiExample(code, value=example, status_codes=[str(status)])],
    )


# Errors any operation may answer with, and when they apply.
_INVALID = problem_response(
    "Invalid input (fields in `errors`).", code=VALIDATION_CODE, status=400, detail="..."
)
_UNAUTHENTICATED = problem_response(
    "No or invalid credentials.",
    code="not_authenticated",
    status=401,
    detail="Authentication credentials were not provided.",
)
_FORBIDDEN = problem_response(
    "Not allowed for this user or service account.",
    code="permission_denied",
    status=403,
    detail="You do not have permission to perform this action.",
)
_NOT_FOUND = problem_response(
    "No such resource for this user (another learner's attempt is also not found).",
    code="not_found",
    status=404,
    detail="Not found.",
)
_UNSUPPORTED = problem_response(
    "The request body is not JSON.",
    code="unsupported_media_type",
    status=415,
    detail='Unsupported media type "text/plain" in request.',
)
_THROTTLED = problem_response(
    "Too many requests; retry after the Retry-After header's seconds.",
    code="throttled",
    status=429,
    detail="Request was throttled. Expected available in 30 seconds.",
)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ProblemAutoSchema(AutoSchema):
    """Adds the problem responses an operation can give to what its view declares.

    Instructor-only operations do not offer service-account authentication: a service account
    acts only for learners, so it could never use them.
    """

    def get_auth(self) -> list[dict[str, list[Any]]]:
        auth: list[dict[str, list[Any]]] = super().get_auth()
        if any(isinstance(permission, IsInstructor) for permission in self.view.get_permissions()):
            auth = [requirement for requirement in auth if SERVICE_SCHEME not in requirement]
        return auth

    def _error_responses(self) -> dict[int, OpenApiResponse]:
        errors: dict[int, OpenApiResponse] = {400: _INVALID, 404: _NOT_FOUND}
        permissions = self.view.get_permissions()
        if not all(isinstance(permission, AllowAny) for permission in permissions):
            errors |= {401: _UNAUTHENTICATED, 403: _FORBIDDEN}
        elif self.view.get_authenticators():
            # A wrong token fails before an open endpoint's permission is asked.
            errors |= {401: _UNAUTHENTICATED, 403: _FORBIDDEN}
        if self.method in BODY_METHODS:
            errors[415] = _UNSUPPORTED
        if self.view.get_throttles():
            errors[429] = _THROTTLED
        return errors

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, declared in responses.items():
            # Problems a view declares itself are served as problem+json like all the others.
            content = declared.get("content", {})
            if code >= "400" and "application/json" in content:
                content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        for status, response in self._error_responses().items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    response, str(status), media_types=[PROBLEM_MEDIA_TYPE]
                )
        return responses
