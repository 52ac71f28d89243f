"""The portal's side of a question: its form field, the answers a page posts, its feedback HTML.

Each question of an attempt posts under the field name `q<position>` (see response_forms).
"""

from typing import Any

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from assessments.attempt_selectors import ItemForLearner
from assessments.models import AttemptQuestion
from assessments.rendering import question_render_for_learner
from assessments.response_forms import response_from_post

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
        response = response_from_post(
            question_type=item.question_version.type,
            post=post,
            field_name=field_name(item.position),
        )
        if keep_blank or not _is_blank(response):
            answers.append((item, response))
    return answers


def question_html(
    item: AttemptQuestion, *, response: Any = _SAVED, disabled: bool = False
) -> SafeString:
    version = item.question_version
    return question_render_for_learner(
        question_type=version.type,
        spec=version.spec,
        seed=item.seed,
        option_order=item.option_order,
        field_name=field_name(item.position),
        response=item.response if response is _SAVED else response,
        disabled=disabled,
    )


def feedback_html(shown: ItemForLearner) -> SafeString:
    """The grade and feedback the policy allows for one question; empty when it allows none."""
    if shown.fraction is None:
        return SafeString("")
    return SafeString(render_to_string("assessments/portal/_item_feedback.html", {"shown": shown}))
