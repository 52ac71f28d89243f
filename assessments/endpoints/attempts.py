"""Learner REST endpoints of attempts (/api/v1/...): start, read, save an answer, submit, result.

Learner-facing only. The serializers here are fed by `attempts_reads` and `item_for_learner`,
whose grade fields are None until the feedback policy allows them; none of them ever reads a
question's spec, so no answer key can reach a learner through them.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.attempt_selectors import attempt_list_for_learner, item_for_learner
from assessments.endpoints.attempts_access import (
    ATTEMPT_TRANSITION_THROTTLE,
    LearnerApiView,
    assessment_get_for_scope,
    attempt_get_for_scope,
    attempt_question_get_for_save_in_scope,
    attempt_question_get_for_scope,
    scope_of,
)
from assessments.endpoints.attempts_reads import attempt_detail, attempt_summary
from assessments.models import AttemptStatus, FeedbackPolicy
from assessments.services.answers import attempt_answer_check, attempt_answer_save
from assessments.services.attempts import (
    attempt_start,
    attempt_submit,
)
from courses import api as courses_api
from quayside.idempotency_keys import idempotency_key, idempotency_key_parameter
from quayside.problem_details import Problem, problem_response

TAG = "attempts"
MAX_POINTS_DIGITS = 8
# The longest answer a save accepts (a Dockerfile with its .dockerignore fits many times over).
MAX_RESPONSE_CHARACTERS = 20_000


def _conflict(code: str, detail: str) -> Any:
    return problem_response(detail, code=code, status=409, detail=detail)


# Serializers -----------------------------------------------------------------------------------


class LearnerChoiceOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="Send this id in answers; it names the text, not a slot.")
    text = serializers.CharField(help_text="Markdown source.")
    text_html = serializers.SerializerMethodField(
        help_text="The text as sanitised HTML (the portal's rendering), safe to insert as is."
    )

    def get_text_html(self, choice: Any) -> str:
        return courses_api.markdown_render(str(choice.get("text", "")))


class LearnerQuestionViewOutput(serializers.Serializer[Any]):
    """What the learner sees of a question: never a correct flag, answer, rule or feedback."""

    type = serializers.CharField()
    prompt = serializers.CharField(help_text="Markdown source.")
    prompt_html = serializers.SerializerMethodField(
        help_text="The prompt as sanitised HTML (the portal's rendering), safe to insert as is."
    )
    options = LearnerChoiceOutput(many=True, required=False, help_text="Choice types.")
    items = LearnerChoiceOutput(many=True, required=False, help_text="Ordering, shuffled.")
    lefts = LearnerChoiceOutput(many=True, required=False, help_text="Matching.")
    choices = LearnerChoiceOutput(many=True, required=False, help_text="Matching, shuffled.")
    unit = serializers.CharField(required=False, help_text="Numeric.")
    starter = serializers.CharField(required=False, allow_blank=True, help_text="Dockerfile.")
    dockerignore_starter = serializers.CharField(
        required=False, allow_blank=True, help_text="Dockerfile with a .dockerignore."
    )

    def get_prompt_html(self, view: Any) -> str:
        return courses_api.markdown_render(str(view.get("prompt", "")))


class LearnerFeedbackPartOutput(serializers.Serializer[Any]):
    # Shadows Field.label for the type checker only: declared fields leave the class body.
    label = serializers.CharField()  # type: ignore[assignment]
    correct = serializers.BooleanField()
    feedback = serializers.CharField(allow_blank=True)


class LearnerFeedbackOutput(serializers.Serializer[Any]):
    correct = serializers.BooleanField()
    explanation = serializers.CharField(allow_blank=True)
    parts = LearnerFeedbackPartOutput(many=True)


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MAX_POINTS_DIGITS, decimal_places=3, coerce_to_string=False, **kwargs
    )


class LearnerAttemptItemOutput(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    type = serializers.CharField()
    view = LearnerQuestionViewOutput()
    response = serializers.JSONField(allow_null=True, help_text="The saved answer, if any.")
    saved = serializers.BooleanField()
    checked = serializers.BooleanField(
        help_text="Immediate feedback only: the answer was checked, so it is graded and locked."
    )
    withheld = serializers.BooleanField(
        help_text=(
            "The question has moved to the final exam's pool since this attempt drew it: its "
            "content, answer and grade are no longer shown, and it cannot be answered."
        )
    )
    max_points = _decimal()
    fraction = serializers.FloatField(
        allow_null=True, help_text="Null until the feedback policy allows it."
    )
    points = _decimal(allow_null=True, help_text="Null until the feedback policy allows it.")
    feedback = LearnerFeedbackOutput(
        allow_null=True, help_text="Null until the feedback policy allows it."
    )
    general_feedback = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="Null until the feedback policy allows it."
    )


class LearnerAttemptSummaryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    assessment = serializers.SlugField(help_text="The assessment's slug.")
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    started_at = serializers.DateTimeField()
    deadline_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True, help_text="Null without a limit.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    finalised_by = serializers.CharField(allow_blank=True)
    feedback_policy = serializers.ChoiceField(choices=FeedbackPolicy.choices)
    grades_visible = serializers.BooleanField()
    max_score = _decimal()
    score = _decimal(allow_null=True, help_text="Null until the feedback policy allows it.")
    percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Null until the feedback policy allows it.",
    )
    passed = serializers.BooleanField(allow_null=True)


class LearnerAttemptListOutput(LearnerAttemptSummaryOutput):
    pass


class LearnerAttemptDetailOutput(LearnerAttemptSummaryOutput):
    items = LearnerAttemptItemOutput(many=True)


class AttemptStartOutput(LearnerAttemptDetailOutput):
    pass


class AttemptSubmitOutput(LearnerAttemptSummaryOutput):
    pass


class AttemptResultOutput(LearnerAttemptDetailOutput):
    pass


class AnswerSaveInput(serializers.Serializer[Any]):
    response = serializers.JSONField(
        help_text=(
            "By question type: an option id (single_choice); a list of option ids "
            "(multiple_response); true or false (true_false); text (short_text, docker_command); "
            'a number or text such as "75 %" (numeric); every item id in order (ordering); '
            "{left id: choice id} (matching); the Dockerfile text, or {dockerfile, dockerignore} "
            "(dockerfile)."
        )
    )

    def validate_response(self, value: Any) -> Any:
        text = str(value)
        if len(text) > MAX_RESPONSE_CHARACTERS:
            raise serializers.ValidationError(
                f"The answer is longer than {MAX_RESPONSE_CHARACTERS} characters."
            )
        # PostgreSQL's JSON cannot store the NUL character; no answer needs one.
        if "\x00" in text or "\\u0000" in text:
            raise serializers.ValidationError("The answer contains a NUL character.")
        return value


class AnswerSaveOutput(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    save_count = serializers.IntegerField()
    seconds_left = serializers.IntegerField(allow_null=True)
    checked = serializers.BooleanField(help_text="True only when the answer was checked.")


class AnswerCheckOutput(AnswerSaveOutput):
    item = LearnerAttemptItemOutput(help_text="The question with its grade and feedback.")


# Saving is the hot path of an exam, and a burst of starts opens it: these outputs' fields are
# built once, not for every request (a serializer keeps no state in to_representation).
ANSWER_SAVE_OUTPUT = AnswerSaveOutput()
ATTEMPT_START_OUTPUT = AttemptStartOutput()

# Examples: an attempt in progress shows no grade of any kind.

_VIEW_EXAMPLE = {
    "type": "single_choice",
    "prompt": "Which command lists the running containers?",
    "prompt_html": "<p>Which command lists the running containers?</p>",
    "options": [
        {
            "id": "3f1c2a9b7e",
            "text": "`docker images`",
            "text_html": "<p><code>docker images</code></p>",
        },
        {"id": "a41d0c6e52", "text": "`docker ps`", "text_html": "<p><code>docker ps</code></p>"},
        {
            "id": "0b9e77f1d3",
            "text": "`docker build`",
            "text_html": "<p><code>docker build</code></p>",
        },
    ],
}
_ITEM_EXAMPLE = {
    "position": 1,
    "type": "single_choice",
    "view": _VIEW_EXAMPLE,
    "response": "a41d0c6e52",
    "saved": True,
    "checked": False,
    "withheld": False,
    "max_points": 1.0,
    "fraction": None,
    "points": None,
    "feedback": None,
    "general_feedback": None,
}
_SUMMARY_EXAMPLE = {
    "id": 42,
    "assessment": "quiz-docker-architecture",
    "number": 1,
    "status": "in_progress",
    "started_at": "2026-03-02T09:00:00Z",
    "deadline_at": "2026-03-02T09:15:00Z",
    "seconds_left": 812,
    "submitted_at": None,
    "finalised_by": "",
    "feedback_policy": "after_submission",
    "grades_visible": False,
    "max_score": 6.0,
    "score": None,
    "percent": None,
    "passed": None,
}
ATTEMPT_EXAMPLE = OpenApiExample(
    "In progress", value={**_SUMMARY_EXAMPLE, "items": [_ITEM_EXAMPLE]}, response_only=True
)
SUBMITTED_EXAMPLE = OpenApiExample(
    "Submitted, grades not yet visible (feedback after the assessment closes)",
    value={
        **_SUMMARY_EXAMPLE,
        "status": "submitted",
        "seconds_left": None,
        "submitted_at": "2026-03-02T09:11:30Z",
        "finalised_by": "learner",
        "feedback_policy": "after_close",
    },
    response_only=True,
)
SAVE_EXAMPLE = OpenApiExample(
    "Saved",
    value={
        "position": 1,
        "saved_at": "2026-03-02T09:03:12Z",
        "save_count": 2,
        "seconds_left": 708,
        "checked": False,
    },
    response_only=True,
)
SAVE_REQUEST_EXAMPLE = OpenApiExample(
    "An option id", value={"response": "a41d0c6e52"}, request_only=True
)

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
