"""Renders a question as a learner sees it: the one template the portal and previews share."""

from collections.abc import Mapping
from html import unescape
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from assessments.question_types import QUESTION_TYPES, instantiate
from courses import api as courses_api


def question_render_for_learner(
    *,
    question_type: str,
    spec: Mapping[str, Any],
    seed: int,
    option_order: list[int] | None,
    field_name: str,
    response: Any = None,
    disabled: bool = False,
) -> SafeString:
    """HTML of one question without any answer key: what the type's learner_view exposes only."""
    variant, _ = instantiate(spec, seed)
    view = QUESTION_TYPES[question_type].learner_view(variant, option_order=option_order)
    # Options may hold Markdown (code fences in "which is better" items); render them safely.
    # markdown_render sanitises with an allow-list (nh3), so its output is safe to insert as is.
    options = [
        {**option, "html": SafeString(courses_api.markdown_render(str(option["text"])))}
        for option in view.get("options", [])
    ]
    return SafeString(
        render_to_string(
            "assessments/_question.html",
            {
                "type": question_type,
                "template": QUESTION_TYPES[question_type].template,
                "view": {
                    **view,
                    "options": options,
                    "items": [_inline(entry) for entry in view.get("items", [])],
                    "lefts": [_inline(entry) for entry in view.get("lefts", [])],
                    "choices": [
                        _inline(entry) | {"letter": _letter(index)}
                        for index, entry in enumerate(view.get("choices", []))
                    ],
                },
                "prompt_html": SafeString(courses_api.markdown_render(str(view.get("prompt", "")))),
                "field_name": field_name,
                "response": response,
                "disabled": disabled,
            },
        )
    )


def _inline(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An ordering item or matching entry with its Markdown rendered (sanitised) for a label,
    and as plain text for a <select> option, which cannot hold markup."""
    html = courses_api.markdown_render_inline(str(entry["text"]))
    return {**entry, "html": SafeString(html), "plain": unescape(strip_tags(html))}


def _letter(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: how matching choices are named in their list and menus."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def question_render_preview(
    *, question_type: str, spec: Mapping[str, Any], seed: int, field_name: str, disabled: bool
) -> SafeString:
    """What a learner whose attempt drew `seed` sees: the same variant and the same shuffle.

    Without the attempt's shuffle a preview would show options in authoring order, which for
    generated items means the correct option first.
    """
    variant, _ = instantiate(spec, seed)
    option_order = QUESTION_TYPES[question_type].draw_option_order(variant, seed)
    return question_render_for_learner(
        question_type=question_type,
        spec=spec,
        seed=seed,
        option_order=option_order,
        field_name=field_name,
        disabled=disabled,
    )
