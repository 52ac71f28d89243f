"""numeric: value ± tolerance, best fraction, units and expressions."""

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError

from .examples import numeric

NUMERIC = QUESTION_TYPES["numeric"]


@pytest.mark.parametrize("raw", [75, 75.0, "75", "74.5", "75.5", " 75 %", "7.5e1"])
def test_it_gives_full_credit_within_the_tolerance(raw: object) -> None:
    grade = NUMERIC.grade(numeric(), raw)

    assert grade.fraction == 1
    assert grade.correct


def test_a_partial_answer_gives_its_fraction_and_feedback() -> None:
    grade = NUMERIC.grade(numeric(), "0.755")

    assert grade.fraction == 0.5
    assert grade.parts[0].feedback == "As a percentage."


@pytest.mark.parametrize("raw", [75.51, 76, -75, 25])
def test_outside_every_full_credit_range_scores_zero(raw: float) -> None:
    assert NUMERIC.grade(numeric(), raw).fraction == 0


def test_an_exact_answer_survives_float_arithmetic() -> None:
    spec = numeric()
    spec["answers"][0] = {"value": 0.3, "fraction": 1}

    assert NUMERIC.grade(spec, 0.1 + 0.2).fraction == 1


def test_an_unparameterised_expression_is_evaluated() -> None:
    spec = numeric()
    spec["answers"][0]["value"] = "= (800 - 200) / 800 * 100"

    assert NUMERIC.validate_spec(spec) == []
    assert NUMERIC.grade(spec, 75).fraction == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Type a number"),
        ("%", "Type a number"),
        ("seventy", "not a number"),
        ("75,0", "not a number"),
        ("nan", "finite"),
        (float("inf"), "finite"),
        (True, "must be a number"),
        ([75], "must be a number"),
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
