"""The serializers of the learner's attempt endpoints (assessments.endpoints.attempts) and
their schema examples. Learner-facing only: an attempt in progress shows no grade of any kind.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from assessments.models import AttemptStatus, FeedbackPolicy
from assessments.services.answers import (
    response_length_check,
)
from assessments.services.attempts import (
    InvalidResponse,
)
from courses import api as courses_api

MAX_POINTS_DIGITS = 8


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
        try:
            response_length_check(value)
        except InvalidResponse as error:
            raise serializers.ValidationError(str(error)) from None
        text = str(value)
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
