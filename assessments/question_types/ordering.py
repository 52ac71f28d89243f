"""ordering: put items in order. The spec lists them in the correct order, so the learner view
never shows that order (see `option_order`)."""

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from assessments.interchange.model import Answer, InterchangeQuestion, TextFormat
from assessments.interchange.spec_text import option_text
from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError
from assessments.question_types.form_fields import (
    PostedForm,
    fields_with_prefix,
    whole_number_or_none,
)
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.option_order import option_id
from assessments.question_types.spec_checks import duplicate_errors, text_list
from assessments.question_types.spec_validation import CommonSpec


class OrderingSpec(CommonSpec):
    """`items` in the correct order."""

    items: list[str]


MIN_ITEMS = 2
# Each item posts its place as `<field>__place__<item id>`.
PLACE_MARKER = "__place__"


def _items(spec: OrderingSpec) -> list[str]:
    return list(spec["items"])


class Ordering(QuestionType[OrderingSpec, list[str]]):
    """The share of the n-1 adjacent pairs of the correct order that the response also has
    adjacent, in the same order."""

    name = "ordering"
    spec_type = OrderingSpec
    authoring_order_reveals_answer = True

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        items, errors = text_list(spec, "items", minimum=MIN_ITEMS)
        return errors + duplicate_errors([item.strip() for item in items], where="items")

    def option_texts(self, spec: OrderingSpec) -> list[str]:
        return _items(spec)

    def answer_order_length(self, spec: OrderingSpec) -> int:
        return len(_items(spec))

    def view_fields(self, spec: OrderingSpec, order: list[int]) -> dict[str, Any]:
        items = _items(spec)
        return {"items": [{"id": option_id(items[index]), "text": items[index]} for index in order]}

    def normalise_response(self, spec: OrderingSpec, raw: object) -> list[str]:
        if not isinstance(raw, list | tuple) or not all(isinstance(item, str) for item in raw):
            raise ResponseError("An ordering answer is the list of item ids in your order.")
        if not raw:
            raise ResponseError("Put the items in order.")
        known = {option_id(item) for item in _items(spec)}
        given = [item.strip() for item in raw]
        unknown = [item for item in given if item not in known]
        if unknown:
            raise ResponseError(f"Unknown item id {unknown[0]!r}: order the items shown.")
        if len(set(given)) != len(given) or len(given) != len(known):
            raise ResponseError("Use every item exactly once.")
        return given

    def grade_normalised(self, spec: OrderingSpec, response: list[str]) -> Grade:
        text_by_id = {option_id(item): item for item in _items(spec)}
        correct_ids = list(text_by_id)
        wanted_pairs = set(pairwise(correct_ids))
        parts = [
            PartFeedback(
                f"{text_by_id[first]} → {text_by_id[second]}", (first, second) in wanted_pairs
            )
            for first, second in pairwise(response)
        ]
        right = sum(1 for part in parts if part.correct)
        explanation = f"{right} of {len(wanted_pairs)} neighbouring pairs are in the right order."
        return Grade.of(right / len(wanted_pairs), parts=parts, explanation=explanation)

    template = "assessments/question_types/ordering.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        places = fields_with_prefix(form, f"{field_name}{PLACE_MARKER}")
        ranked = sorted(
            (number, item)
            for item, place in places.items()
            if (number := whole_number_or_none(place)) is not None
        )
        return [item for _, item in ranked]

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        return {"items": [option_text(answer) for answer in question.answers]}

    def interchange_fields(self, spec: OrderingSpec) -> dict[str, Any]:
        return {
            "answers": tuple(
                Answer(text=item, fraction=1.0, text_format=TextFormat.MARKDOWN)
                for item in spec["items"]
            )
        }
