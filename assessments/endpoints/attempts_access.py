"""Who may reach what through the learner API, decided in one place.

A request acts for one learner (their own token or session, or a service account's
`X-On-Behalf-Of`); a service account also reaches only the courses in its scope. The getters
below combine the learner getters of `assessments.selectors.attempts` with that course scope,
and raise not-found for anything outside it, so no endpoint checks ownership or scope itself.
"""

import re

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Assessment, Attempt, AttemptQuestion
from assessments.selectors.attempts import (
    AttemptNotFound,
    ItemForSave,
    attempt_get_for_learner,
    attempt_question_get_for_learner,
    attempt_question_get_for_save,
)
from assessments.selectors.portal import AssessmentNotFound
from assessments.services.attempts import AttemptError, attempt_finalise_if_expired
from lms.api import LearnerScope, learner_scope
from quayside.parsers import StrictJSONParser
from quayside.problem_details import Problem
from quayside.scope import in_scope

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
# Printable ASCII without spaces, up to the length of the attempt's key columns.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,100}$"
# Scope name of the stricter throttle rate for starting and submitting attempts.
ATTEMPT_TRANSITION_THROTTLE = "attempt_transition"


def idempotency_key_parameter(action: str) -> OpenApiParameter:
    return OpenApiParameter(
        IDEMPOTENCY_KEY_HEADER,
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=False,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            f"Any unique string (up to 100 printable ASCII characters). Repeating the request "
            f"with the same key {action} instead of acting twice."
        ),
    )


def idempotency_key(request: Request) -> str:
    """The request's Idempotency-Key header, or "" without one; 400 when it is malformed."""
    if IDEMPOTENCY_KEY_HEADER not in request.headers:
        return ""
    key = request.headers[IDEMPOTENCY_KEY_HEADER]
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        raise ValidationError(
            {IDEMPOTENCY_KEY_HEADER: ["Use 1 to 100 printable ASCII characters, no spaces."]}
        )
    return key


def domain_error_as_api_exception(exc: Exception) -> Exception:
    """Not-found getters and refused services, as the API exceptions that render as problems."""
    if isinstance(exc, AttemptNotFound | AssessmentNotFound):
        return NotFound(str(exc))
    if isinstance(exc, AttemptError):
        return Problem(status=exc.status, code=exc.code, detail=exc.message)
    return exc


class DomainErrorsAsProblems:
    """Mix into an APIView (first) so the assessments' domain errors become problem responses."""

    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(domain_error_as_api_exception(exc))  # type: ignore[misc]


class LearnerApiView(DomainErrorsAsProblems, APIView):
    """Base of the learner endpoints: JSON in, JSON out, domain errors as problems."""

    parser_classes = [StrictJSONParser]


def scope_of(request: Request) -> LearnerScope:
    return learner_scope(request)


def assessment_get_for_scope(*, scope: LearnerScope, slug: str) -> Assessment:
    """A published assessment in the scope's courses; raises AssessmentNotFound otherwise."""
    assessment = (
        Assessment.objects.select_related("module__course", "section")
        .filter(in_scope("module_id", scope.module_ids), slug=slug, is_published=True)
        .first()
    )
    if assessment is None:
        raise AssessmentNotFound(f"No published assessment {slug!r}.")
    return assessment


def attempt_get_for_scope(*, scope: LearnerScope, attempt_id: int) -> Attempt:
    """The learner's own attempt in a course in scope, submitted first if its time is up."""
    attempt = attempt_get_for_learner(attempt_id=attempt_id, learner=scope.learner)
    if not scope.allows_module(attempt.assessment.module_id):
        raise AttemptNotFound(f"No attempt {attempt_id} of yours.")
    return attempt_finalise_if_expired(attempt=attempt, now=timezone.now())


def attempt_question_get_for_scope(
    *, scope: LearnerScope, attempt_id: int, position: int
) -> AttemptQuestion:
    """One query: the learner's frozen question with its attempt, assessment and version."""
    item = attempt_question_get_for_learner(
        attempt_id=attempt_id, position=position, learner=scope.learner
    )
    if not scope.allows_module(item.attempt.assessment.module_id):
        raise AttemptNotFound(f"No question {position} in attempt {attempt_id} of yours.")
    return item


def attempt_question_get_for_save_in_scope(
    *, scope: LearnerScope, attempt_id: int, position: int
) -> ItemForSave:
    """One query: what saving an answer needs of the learner's frozen question."""
    item = attempt_question_get_for_save(
        attempt_id=attempt_id, position=position, learner=scope.learner
    )
    if not scope.allows_module(item.module_id):
        raise AttemptNotFound(f"No question {position} in attempt {attempt_id} of yours.")
    return item
