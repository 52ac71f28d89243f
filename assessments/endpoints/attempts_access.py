"""Who may reach what through the learner API, decided in one place.

A request acts for one learner (their own token or session, or a service account's
`X-On-Behalf-Of`); a service account also reaches only the courses in its scope. The getters
below combine the learner getters of `assessments.selectors.attempts` with that course scope,
and raise not-found for anything outside it, so no endpoint checks ownership or scope itself.
"""

from django.utils import timezone
from rest_framework.request import Request
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
from assessments.services.attempts import attempt_finalise_if_expired
from lms.api import LearnerScope, learner_scope
from quayside.parsers import StrictJSONParser
from quayside.scope import in_scope

# Scope name of the stricter throttle rate for starting and submitting attempts.
ATTEMPT_TRANSITION_THROTTLE = "attempt_transition"


class LearnerApiView(APIView):
    """Base of the learner endpoints: JSON in, JSON out (domain errors answer as problems)."""

    parser_classes = [StrictJSONParser]


def scope_of(request: Request) -> LearnerScope:
    return learner_scope(request)


def assessment_get_for_scope(
    *, scope: LearnerScope, slug: str, with_place: bool = False
) -> Assessment:
    """A published assessment in the scope's courses; raises AssessmentNotFound otherwise.
    `with_place` also loads its module, course and section (for showing where it is)."""
    assessments = Assessment.objects.filter(
        in_scope("module_id", scope.module_ids), slug=slug, is_published=True
    )
    if with_place:
        assessments = assessments.select_related("module__course", "section")
    # The slug is unique: no ordering needed.
    assessment = next(iter(assessments), None)
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
