"""numeric: value ± tolerance, best fraction, units and expressions."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError
from tests.question_examples import spec_of

NUMERIC = QUESTION_TYPES["numeric"]


def numeric() -> dict[str, Any]:
    """4242.5 ± 0.0625 earns 1, 4.2425 (gigabytes) 0.5, 3958.5 nothing; no unit."""
    return spec_of("numeric")


@pytest.mark.parametrize(
    "raw", [4242.5, "4242.5", "4242.4375", "4242.5625", " 4242.5 ", "4.2425e3", 4242.5 + 1e-9]
)
def test_it_gives_full_credit_within_the_tolerance(raw: object) -> None:
    grade = NUMERIC.grade(numeric(), raw)

    assert grade.fraction == 1
    assert grade.correct


def test_a_unit_after_the_number_is_accepted_but_not_alone() -> None:
    spec = numeric() | {"unit": "MB"}

    assert NUMERIC.grade(spec, " 4242.5 MB").fraction == 1
    with pytest.raises(ResponseError, match="Type a number"):
        NUMERIC.normalise_response(spec, "MB")


def test_a_partial_answer_gives_its_fraction_and_feedback() -> None:
    spec = numeric()

    grade = NUMERIC.grade(spec, "4.2425")

    assert grade.fraction == 0.5
    assert grade.parts[0].feedback == spec["answers"][1]["feedback"]


@pytest.mark.parametrize("raw", [4242.57, 4243, -4242.5, 3958.5])
def test_outside_every_full_credit_range_scores_zero(raw: float) -> None:
    assert NUMERIC.grade(numeric(), raw).fraction == 0


def test_an_exact_answer_survives_float_arithmetic() -> None:
    spec = numeric()
    spec["answers"][0] = {"value": 0.3, "fraction": 1}

    assert NUMERIC.grade(spec, 0.1 + 0.2).fraction == 1


def test_an_unparameterised_expression_is_evaluated() -> None:
    spec = numeric()
    spec["answers"][0]["value"] = "= 4100.5 + 142"

    assert NUMERIC.validate_spec(spec) == []
    assert NUMERIC.grade(spec, 4242.5).fraction == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Type a number"),
        ("seventy", "not a number"),
        ("4242,5", "not a number"),
        ("nan", "finite"),
        (float("inf"), "finite"),
        (True, "must be a number"),
        ([4242.5], "must be a number"),
    ],
)
def test_it_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        NUMERIC.normalise_response(numeric(), raw)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"tolerance": 1}, "answers[0].value: is required"),
        ({"value": "75"}, 'answers[0].value: must be a number or an expression "= ..."'),
        ({"value": True}, 'answers[0].value: must be a number or an expression "= ..."'),
        ({"value": 75, "tolerance": -1}, "answers[0].tolerance: must be at least 0"),
        ({"value": "= 75 ** 2"}, "answers[0].value: the operator Pow is not allowed"),
        ({"value": "= 1 / 0"}, "answers[0].value: the expression '1 / 0' divides by zero"),
    ],
)
def test_answer_spec_errors(answer: dict[str, object], error: str) -> None:
    spec = numeric()
    spec["answers"][0] = answer | {"fraction": 1}

    assert any(found.startswith(error) for found in NUMERIC.validate_spec(spec)), error
