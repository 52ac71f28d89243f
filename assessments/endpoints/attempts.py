"""Learner REST endpoints of attempts (/api/v1/...): start, read, save an answer, submit, result.

Learner-facing only. The serializers here are fed by `attempts_reads` and `item_for_learner`,
whose grade fields are None until the feedback policy allows them; none of them ever reads a
question's spec, so no answer key can reach a learner through them.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.endpoints.attempts_access import (
    ATTEMPT_TRANSITION_THROTTLE,
    LearnerApiView,
    assessment_get_for_scope,
    attempt_get_for_scope,
    attempt_question_get_for_save_in_scope,
    attempt_question_get_for_scope,
    scope_of,
)
from assessments.endpoints.attempts_outputs import (
    ANSWER_SAVE_OUTPUT,
    ATTEMPT_EXAMPLE,
    ATTEMPT_START_OUTPUT,
    SAVE_EXAMPLE,
    SAVE_REQUEST_EXAMPLE,
    SUBMITTED_EXAMPLE,
    AnswerCheckOutput,
    AnswerSaveInput,
    AnswerSaveOutput,
    AttemptResultOutput,
    AttemptStartOutput,
    AttemptSubmitOutput,
    LearnerAttemptDetailOutput,
    LearnerAttemptListOutput,
)
from assessments.endpoints.attempts_reads import attempt_detail, attempt_summary
from assessments.models import AttemptStatus
from assessments.selectors.attempts import attempt_list_for_learner, item_for_learner
from assessments.services.answers import (
    attempt_answer_check,
    attempt_answer_save,
)
from assessments.services.attempts import (
    attempt_start,
    attempt_submit,
)
from quayside.idempotency_keys import idempotency_key, idempotency_key_parameter
from quayside.problem_details import Problem, problem_response

TAG = "attempts"


def _conflict(code: str, detail: str) -> Any:
    return problem_response(detail, code=code, status=409, detail=detail)


# Endpoints -------------------------------------------------------------------------------------


class AssessmentAttempts(LearnerApiView):
    """GET lists the learner's attempts at the assessment; POST starts (or resumes) one."""

    pagination_class = PageNumberPagination

    @property
    def throttle_scope(self) -> str | None:
        # Only starting is a costly transition; listing is an ordinary read.
        return ATTEMPT_TRANSITION_THROTTLE if self.request.method == "POST" else None

    @extend_schema(
        tags=[TAG],
        operation_id="attempt_list",
        summary="The learner's own attempts at an assessment, newest first",
        responses=LearnerAttemptListOutput(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        scope = scope_of(request)
        assessment = assessment_get_for_scope(scope=scope, slug=slug)
        now = timezone.now()
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            attempt_list_for_learner(learner=scope.learner, assessment=assessment), request, self
        )
        summaries = [attempt_summary(attempt=attempt, now=now) for attempt in page or []]
        return paginator.get_paginated_response(LearnerAttemptListOutput(summaries, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="attempt_start",
        summary="Start an attempt (or resume the one in progress)",
        description=(
            "201 when a new attempt starts; 200 when the learner already has one in progress or "
            "the Idempotency-Key was used before. The response lists the frozen questions."
        ),
        request=None,
        parameters=[idempotency_key_parameter("returns the attempt the first request started")],
        responses={
            201: AttemptStartOutput,
            200: AttemptStartOutput,
            403: problem_response(
                "Not open now, or no attempts left.",
                code="no_attempts_left",
                status=403,
                detail="You have used all 3 attempts at this assessment.",
            ),
            409: _conflict("pool_too_small", "The question pool cannot fill the assessment."),
            422: problem_response(
                "The Idempotency-Key was used for another assessment.",
                code="idempotency_key_reused",
                status=422,
                detail="This Idempotency-Key started an attempt at another assessment.",
            ),
        },
        examples=[ATTEMPT_EXAMPLE],
    )
    def post(self, request: Request, slug: str) -> Response:
        scope = scope_of(request)
        key = idempotency_key(request)
        assessment = assessment_get_for_scope(scope=scope, slug=slug)
        now = timezone.now()
        attempt = attempt_start(
            learner=scope.learner, assessment=assessment, idempotency_key=key, now=now
        )
        # A new attempt starts exactly now; a resumed or repeated one started earlier.
        started_now = attempt.started_at == now
        attempt.assessment = assessment  # the same row (attempt_start refuses another's key)
        return Response(
            ATTEMPT_START_OUTPUT.to_representation(attempt_detail(attempt=attempt, now=now)),
            status=status.HTTP_201_CREATED if started_now else status.HTTP_200_OK,
        )


class AttemptDetailApi(LearnerApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="attempt_get",
        summary="An attempt with its questions, the learner's answers and allowed feedback",
        responses=LearnerAttemptDetailOutput,
        examples=[ATTEMPT_EXAMPLE],
    )
    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = attempt_get_for_scope(scope=scope_of(request), attempt_id=attempt_id)
        detail = attempt_detail(attempt=attempt, now=timezone.now())
        return Response(LearnerAttemptDetailOutput(detail).data)


class AnswerSave(LearnerApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="attempt_answer_save",
        summary="Save the answer to one question (the last save wins)",
        description=(
            "A save never grades (under immediate feedback, the check operation does). Refused "
            "with 409 `deadline_passed` after the time limit (the attempt is then submitted "
            "without this answer), `attempt_closed` after submission, `answer_locked` once the "
            "answer was checked and `question_withdrawn` for a question that moved to the exam "
            "pool; 422 `invalid_response` when the answer does not fit the question."
        ),
        request=AnswerSaveInput,
        responses={
            200: AnswerSaveOutput,
            409: _conflict("deadline_passed", "The time limit has passed."),
            422: problem_response(
                "The answer does not fit the question.",
                code="invalid_response",
                status=422,
                detail="Unknown option id 'x': choose one of the options shown.",
            ),
        },
        examples=[SAVE_EXAMPLE, SAVE_REQUEST_EXAMPLE],
    )
    def put(self, request: Request, attempt_id: int, position: int) -> Response:
        answer = AnswerSaveInput(data=request.data)
        answer.is_valid(raise_exception=True)
        item = attempt_question_get_for_save_in_scope(
            scope=scope_of(request), attempt_id=attempt_id, position=position
        )
        acknowledgement = attempt_answer_save(
            item=item, response=answer.validated_data["response"], now=timezone.now()
        )
        return Response(ANSWER_SAVE_OUTPUT.to_representation(acknowledgement))


class AnswerCheck(LearnerApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="attempt_answer_check",
        summary="Check one answer under immediate feedback: save it, grade it and lock it",
        description=(
            "Only assessments with the immediate feedback policy (practice) check answers; "
            "elsewhere the answer is refused with 409 `check_unavailable`. Each answer can be "
            "checked once: afterwards any save or check of it is refused with 409 "
            "`answer_locked`. Also refused like a save (`deadline_passed`, `attempt_closed`, "
            "`invalid_response`)."
        ),
        request=AnswerSaveInput,
        responses={
            200: AnswerCheckOutput,
            409: _conflict("answer_locked", "You checked this answer: it can no longer change."),
            422: problem_response(
                "The answer does not fit the question.",
                code="invalid_response",
                status=422,
                detail="Unknown option id 'x': choose one of the options shown.",
            ),
        },
        examples=[SAVE_REQUEST_EXAMPLE],
    )
    def post(self, request: Request, attempt_id: int, position: int) -> Response:
        answer = AnswerSaveInput(data=request.data)
        answer.is_valid(raise_exception=True)
        scope = scope_of(request)
        item = attempt_question_get_for_save_in_scope(
            scope=scope, attempt_id=attempt_id, position=position
        )
        now = timezone.now()
        acknowledgement = attempt_answer_check(
            item=item, response=answer.validated_data["response"], now=now
        )
        # The check graded the answer; read it back as the learner may now see it.
        checked = attempt_question_get_for_scope(
            scope=scope, attempt_id=attempt_id, position=position
        )
        shown = item_for_learner(attempt=checked.attempt, item=checked, now=now)
        return Response(
            AnswerCheckOutput({**acknowledgement.__dict__, "item": shown}).data,
        )


class AttemptSubmit(LearnerApiView):
    throttle_scope = ATTEMPT_TRANSITION_THROTTLE

    @extend_schema(
        tags=[TAG],
        operation_id="attempt_submit",
        summary="Submit the attempt for grading (idempotent)",
        description=(
            "Submitting an attempt that is already submitted returns it unchanged. Scores are "
            "null until the feedback policy allows them."
        ),
        request=None,
        parameters=[idempotency_key_parameter("returns the same result")],
        responses={200: AttemptSubmitOutput},
        examples=[SUBMITTED_EXAMPLE],
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        key = idempotency_key(request)
        attempt = attempt_get_for_scope(scope=scope_of(request), attempt_id=attempt_id)
        now = timezone.now()
        submitted = attempt_submit(attempt=attempt, now=now, idempotency_key=key)
        return Response(AttemptSubmitOutput(attempt_summary(attempt=submitted, now=now)).data)


class AttemptResult(LearnerApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="attempt_result",
        summary="The submitted attempt's result, with feedback when the policy allows it",
        responses={
            200: AttemptResultOutput,
            409: _conflict("attempt_in_progress", "The attempt has not been submitted yet."),
        },
        examples=[SUBMITTED_EXAMPLE],
    )
    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = attempt_get_for_scope(scope=scope_of(request), attempt_id=attempt_id)
        if attempt.status == AttemptStatus.IN_PROGRESS:
            raise Problem(
                status=409, code="attempt_in_progress", detail="The attempt is not submitted yet."
            )
        detail = attempt_detail(attempt=attempt, now=timezone.now())
        return Response(AttemptResultOutput(detail).data)
