"""numeric: a number, accepted when it lies within an answer's `value ± tolerance`."""

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, NotRequired, TypedDict

from assessments.interchange.model import InterchangeQuestion, NumericUnit
from assessments.interchange.spec_text import MOODLE_WILDCARD, exported_answer, feedback_of
from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError
from assessments.question_types.examples import ExamplesSpec
from assessments.question_types.expressions import ExpressionError, evaluate
from assessments.question_types.form_fields import PostedForm
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.spec_checks import (
    answer_fraction,
    declared_keys,
    fraction_errors,
    full_credit_errors,
    is_number,
    mapping_list,
    number_errors,
    text_errors,
    unknown_field_errors,
)
from assessments.question_types.spec_validation import CommonSpec
from assessments.question_types.variants import EXPRESSION_PREFIX


class NumericAnswer(TypedDict):
    """`value` is a number or an expression `"= ..."` (evaluated when the spec is instantiated)."""

    value: float | str
    tolerance: NotRequired[float]
    fraction: NotRequired[float]
    feedback: NotRequired[str]


class NumericSpec(CommonSpec):
    answers: list[NumericAnswer]
    unit: NotRequired[str]
    examples: NotRequired[ExamplesSpec]


ANSWER_FIELDS = declared_keys(NumericAnswer)
# A typed number is short; anything longer is not a number a learner meant to type.
MAX_RESPONSE_LENGTH = 50
# Float arithmetic must not turn an answer exactly on the edge of the tolerance into a miss.
RELATIVE_EPSILON = 1e-9


def _value(answer: Mapping[str, Any]) -> float:
    """An answer's value; an unparameterised `= ...` expression is evaluated here."""
    value = answer["value"]
    if isinstance(value, str):
        return evaluate(value.strip().removeprefix(EXPRESSION_PREFIX), {})
    return float(value)


def _contains(answer: Mapping[str, Any], number: float) -> bool:
    value = _value(answer)
    tolerance = float(answer.get("tolerance", 0))
    slack = RELATIVE_EPSILON * max(1.0, abs(value))
    return abs(number - value) <= tolerance + slack


def _answer_errors(answer: Mapping[str, Any], where: str) -> list[str]:
    errors = unknown_field_errors(answer, ANSWER_FIELDS, where)
    value = answer.get("value")
    if isinstance(value, str) and value.strip().startswith(EXPRESSION_PREFIX):
        try:
            _value(answer)
        except ExpressionError as error:
            errors.append(f"{where}.value: {error}")
    elif "value" not in answer:
        errors.append(f"{where}.value: is required")
    elif not is_number(value):
        errors.append(f'{where}.value: must be a number or an expression "= ..."')
    errors += number_errors(answer, "tolerance", where=where, required=False, minimum=0)
    return (
        errors
        + fraction_errors(answer, where=where)
        + text_errors(answer, "feedback", where=where, required=False)
    )


def _parse_number(spec: NumericSpec, raw: str) -> float:
    text = raw.strip()
    unit = spec.get("unit")
    if unit and text.lower().endswith(unit.strip().lower()):
        # "512 MB" when the question shows the unit MB: the learner repeated it.
        text = text[: -len(unit.strip())].strip()
    if not text:
        raise ResponseError("Type a number.")
    if len(text) > MAX_RESPONSE_LENGTH:
        raise ResponseError("That is too long to be a number.")
    try:
        return float(text)
    except ValueError:
        raise ResponseError(f"{raw.strip()!r} is not a number (use a dot for decimals).") from None


class Numeric(QuestionType[NumericSpec, float]):
    """The best fraction among the answers whose `value ± tolerance` contains the response."""

    name = "numeric"
    spec_type = NumericSpec
    takes_examples = True

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        answers, errors = mapping_list(spec, "answers", minimum=1)
        for index, answer in enumerate(answers):
            errors += _answer_errors(answer, f"answers[{index}]")
        return (
            errors
            + full_credit_errors(answers, field="answers")
            + text_errors(spec, "unit", required=False)
        )

    def view_fields(self, spec: NumericSpec, order: list[int]) -> dict[str, Any]:
        return {"unit": spec["unit"]} if spec.get("unit") else {}

    def normalise_response(self, spec: NumericSpec, raw: object) -> float:
        if isinstance(raw, bool):
            raise ResponseError("The answer must be a number.")
        if isinstance(raw, int | float):
            number = float(raw)
        elif isinstance(raw, str):
            number = _parse_number(spec, raw)
        else:
            raise ResponseError("The answer must be a number.")
        if not math.isfinite(number):
            raise ResponseError("The answer must be a finite number.")
        return number

    def grade_normalised(self, spec: NumericSpec, response: float) -> Grade:
        shown = f"{response:g}" + (f" {spec['unit']}" if spec.get("unit") else "")
        containing = [answer for answer in spec["answers"] if _contains(answer, response)]
        if not containing:
            return Grade.of(0, parts=[PartFeedback(shown, False)])
        best = max(containing, key=answer_fraction)
        fraction = answer_fraction(best)
        return Grade.of(
            fraction, parts=[PartFeedback(shown, fraction == 1, best.get("feedback", ""))]
        )

    template = "assessments/question_types/numeric.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return form.get(field_name, "")

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "answers": [
                {
                    "value": float(answer.text),
                    "tolerance": answer.tolerance or 0,
                    "fraction": answer.fraction,
                    "feedback": feedback_of(answer),
                }
                for answer in question.answers
                if answer.text != MOODLE_WILDCARD
            ]
        }
        if question.units:
            fields["unit"] = question.units[0].name
        return fields

    def interchange_fields(self, spec: NumericSpec) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "answers": tuple(
                replace(
                    exported_answer(str(entry["value"]), entry.get("fraction", 1), entry),
                    tolerance=float(entry.get("tolerance", 0)),
                )
                for entry in spec["answers"]
            )
        }
        if spec.get("unit"):
            fields["units"] = (NumericUnit(name=str(spec["unit"])),)
        return fields
