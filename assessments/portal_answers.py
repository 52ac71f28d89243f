"""The portal's side of a question: its form field, the answers a page posts, its feedback HTML.

Each question of an attempt posts under the field name `q<position>`; its type reads the
posted fields back (`QuestionType.response_from_form`).
"""

from typing import Any

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from assessments.models import AttemptQuestion
from assessments.question_types import QUESTION_TYPES
from assessments.rendering import question_render_for_learner
from assessments.selectors.attempts import ItemForLearner
from courses import api as courses_api

# The learner's saved response, unless the caller passes what the review policy allows.
_SAVED = object()


def field_name(position: int) -> str:
    return f"q{position}"


def _is_blank(response: Any) -> bool:
    if isinstance(response, dict) and set(response) <= {"dockerfile", "dockerignore"}:
        return not str(response.get("dockerfile", "")).strip()
    return response in ("", [], {}, None)


def answers_from_post(
    *, items: list[AttemptQuestion], post: QueryDict, keep_blank: bool = False
) -> list[tuple[AttemptQuestion, Any]]:
    """The posted response of each item. A whole-page form post leaves out blank answers, so an
    unanswered question stays unanswered instead of failing validation."""
    answers = []
    for item in items:
        question_type = QUESTION_TYPES[item.question_version.type]
        response = question_type.response_from_form(post, field_name(item.position))
        if keep_blank or not _is_blank(response):
            answers.append((item, response))
    return answers


def question_html(
    item: AttemptQuestion,
    *,
    shown: ItemForLearner,
    response: Any = _SAVED,
    disabled: bool = False,
) -> SafeString:
    """The question's form fields as the learner may see them: a checked answer is locked, and
    a question withdrawn into the exam pool is replaced by a notice."""
    if shown.withheld:
        return format_html('<p class="notice withdrawn">{}</p>', shown.view["prompt"])
    version = item.question_version
    return question_render_for_learner(
        question_type=version.type,
        spec=version.spec,
        seed=item.seed,
        option_order=item.option_order,
        field_name=field_name(item.position),
        response=item.response if response is _SAVED else response,
        disabled=disabled or shown.checked,
    )


def feedback_html(shown: ItemForLearner) -> SafeString:
    """The grade and feedback the policy allows for one question; empty when it allows none.

    Authors write feedback, options, ordering items and matching pairs in Markdown: it is
    rendered (and sanitised) here, so a review shows `docker run`, not its backticks.
    """
    if shown.fraction is None:
        return SafeString("")
    markdown_labels = shown.type in _MARKDOWN_LABEL_TYPES
    parts = [
        {
            "correct": part["correct"],
            "label_html": _inline_markdown(part["label"])
            if markdown_labels
            else conditional_escape(part["label"]),
            "feedback_html": _inline_markdown(part["feedback"]),
        }
        for part in (shown.feedback or {}).get("parts", [])
    ]
    general = shown.general_feedback
    return SafeString(
        render_to_string(
            "assessments/portal/_item_feedback.html",
            {
                "shown": shown,
                "parts": parts,
                "general_feedback_html": SafeString(courses_api.markdown_render(general))
                if general
                else "",
            },
        )
    )


# Types whose feedback parts are labelled with the author's text (options, items, pairs).
_MARKDOWN_LABEL_TYPES = frozenset({"single_choice", "multiple_response", "ordering", "matching"})


def _inline_markdown(text: str) -> SafeString:
    return SafeString(courses_api.markdown_render_inline(text)) if text else SafeString("")
