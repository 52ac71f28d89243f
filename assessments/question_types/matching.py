"""matching: match every left item to a right one; distractors are extra right-hand choices.

Choices are the distinct right-hand texts (a right may serve two lefts) followed by the
distractors; the learner view shows them shuffled, since in authoring order they would line up
with the lefts.
"""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from assessments.interchange.model import InterchangeQuestion, MatchingPair, TextFormat
from assessments.interchange.spec_text import markdown_from_imported
from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError
from assessments.question_types.form_fields import PostedForm, fields_with_prefix
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.option_order import option_id
from assessments.question_types.spec_checks import (
    declared_keys,
    duplicate_errors,
    mapping_list,
    text_errors,
    text_list,
    unknown_field_errors,
)
from assessments.question_types.spec_validation import CommonSpec


class PairSpec(TypedDict):
    left: str
    right: str


class MatchingSpec(CommonSpec):
    pairs: list[PairSpec]
    distractors: NotRequired[list[str]]


PAIR_FIELDS = declared_keys(PairSpec)
MIN_PAIRS = 2
# Each left posts its chosen right as `<field>__match__<left id>`.
MATCH_MARKER = "__match__"


def _pairs(spec: MatchingSpec) -> list[PairSpec]:
    return list(spec["pairs"])


def _choices(spec: MatchingSpec) -> list[str]:
    rights = [pair["right"] for pair in _pairs(spec)]
    return list(dict.fromkeys([*rights, *spec.get("distractors", [])]))


def _pair_errors(spec: Mapping[str, Any]) -> list[str]:
    pairs, errors = mapping_list(spec, "pairs", minimum=MIN_PAIRS)
    for index, pair in enumerate(pairs):
        where = f"pairs[{index}]"
        errors += unknown_field_errors(pair, PAIR_FIELDS, where)
        errors += text_errors(pair, "left", where=where) + text_errors(pair, "right", where=where)
    lefts = [pair["left"].strip() for pair in pairs if isinstance(pair.get("left"), str)]
    return errors + duplicate_errors(lefts, where="pairs")


def _distractor_errors(spec: Mapping[str, Any]) -> list[str]:
    distractors, errors = text_list(spec, "distractors", minimum=0)
    pairs = spec.get("pairs")
    if not isinstance(pairs, list):
        pairs = []
    rights = {pair.get("right") for pair in pairs if isinstance(pair, Mapping)}
    errors += [
        f"distractors[{index}]: {text!r} is also a right-hand answer"
        for index, text in enumerate(distractors)
        if text in rights
    ]
    return errors + duplicate_errors(distractors, where="distractors")


class Matching(QuestionType[MatchingSpec, dict[str, str]]):
    """The share of lefts matched to their right; an unanswered left counts as wrong."""

    name = "matching"
    spec_type = MatchingSpec
    authoring_order_reveals_answer = True

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        return _pair_errors(spec) + _distractor_errors(spec)

    def option_texts(self, spec: MatchingSpec) -> list[str]:
        return _choices(spec)

    def answer_order_length(self, spec: MatchingSpec) -> int:
        """The distinct right-hand answers come first among the choices, in the lefts' order."""
        return len(dict.fromkeys(pair["right"] for pair in _pairs(spec)))

    def view_fields(self, spec: MatchingSpec, order: list[int]) -> dict[str, Any]:
        choices = _choices(spec)
        return {
            "lefts": [
                {"id": option_id(pair["left"]), "text": pair["left"]} for pair in _pairs(spec)
            ],
            "choices": [
                {"id": option_id(choices[index]), "text": choices[index]} for index in order
            ],
        }

    def normalise_response(self, spec: MatchingSpec, raw: object) -> dict[str, str]:
        """{left id: choice id}; lefts left unanswered may be missing, but not all of them."""
        if not isinstance(raw, Mapping) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
        ):
            raise ResponseError("A matching answer maps each left item's id to a choice id.")
        if not raw:
            raise ResponseError("Match at least one item.")
        left_ids = [option_id(pair["left"]) for pair in _pairs(spec)]
        choice_ids = {option_id(choice) for choice in _choices(spec)}
        given = {key.strip(): value.strip() for key, value in raw.items()}
        for left, choice in given.items():
            if left not in left_ids:
                raise ResponseError(f"Unknown item id {left!r}: match the items shown.")
            if choice not in choice_ids:
                raise ResponseError(f"Unknown choice id {choice!r}: pick one of the choices shown.")
        return {left: given[left] for left in left_ids if left in given}

    def grade_normalised(self, spec: MatchingSpec, response: dict[str, str]) -> Grade:
        parts = [
            PartFeedback(
                pair["left"], response.get(option_id(pair["left"])) == option_id(pair["right"])
            )
            for pair in _pairs(spec)
        ]
        right = sum(1 for part in parts if part.correct)
        explanation = f"{right} of {len(parts)} items are matched correctly."
        return Grade.of(right / len(parts), parts=parts, explanation=explanation)

    template = "assessments/question_types/matching.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return fields_with_prefix(form, f"{field_name}{MATCH_MARKER}")

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "pairs": [
                {
                    "left": markdown_from_imported(pair.prompt, pair.prompt_format),
                    "right": pair.answer,
                }
                for pair in question.pairs
                if pair.prompt
            ]
        }
        # Moodle's pairs without a question are distractors.
        distractors = [pair.answer for pair in question.pairs if not pair.prompt]
        if distractors:
            fields["distractors"] = distractors
        return fields

    def interchange_fields(self, spec: MatchingSpec) -> dict[str, Any]:
        pairs = [
            MatchingPair(
                prompt=pair["left"], answer=pair["right"], prompt_format=TextFormat.MARKDOWN
            )
            for pair in spec["pairs"]
        ]
        pairs += [MatchingPair(prompt="", answer=d) for d in spec.get("distractors", [])]
        return {"pairs": tuple(pairs)}
