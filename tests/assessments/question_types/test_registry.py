"""The registry and the contract every type keeps: grades, normalisation, option orders."""

import dataclasses

import pytest

from assessments.question_types import (
    QUESTION_TYPES,
    Grade,
    PartFeedback,
    SpecError,
    instantiate,
    question_type_get,
)
from tests.question_examples import right_response, spec_of

EXPECTED_TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_text",
    "docker_command",
    "numeric",
    "ordering",
    "matching",
    "dockerfile",
}


def test_the_registry_holds_every_documented_type_by_name() -> None:
    assert set(QUESTION_TYPES) == EXPECTED_TYPES
    assert all(QUESTION_TYPES[name].name == name for name in QUESTION_TYPES)


def test_an_unknown_type_name_is_a_spec_error() -> None:
    assert question_type_get("numeric") is QUESTION_TYPES["numeric"]
    with pytest.raises(SpecError, match="unknown question type 'essay'"):
        question_type_get("essay")


@pytest.mark.parametrize("type_name", sorted(EXPECTED_TYPES))
def test_the_right_response_gets_full_credit(type_name: str) -> None:
    spec, _ = instantiate(spec_of(type_name), 0)

    grade = QUESTION_TYPES[type_name].grade(spec, right_response(type_name))

    assert grade == Grade(1.0, True, grade.parts, grade.explanation)
    assert grade.explanation.startswith("Correct.")
    assert all(isinstance(part, PartFeedback) for part in grade.parts)


@pytest.mark.parametrize("type_name", sorted(EXPECTED_TYPES))
def test_normalising_is_idempotent(type_name: str) -> None:
    question_type = QUESTION_TYPES[type_name]
    spec = spec_of(type_name)

    once = question_type.normalise_response(spec, right_response(type_name))

    assert question_type.normalise_response(spec, once) == once
    assert question_type.grade(spec, once) == question_type.grade(spec, right_response(type_name))


@pytest.mark.parametrize("type_name", sorted(EXPECTED_TYPES))
def test_draw_option_order_is_a_reproducible_permutation(type_name: str) -> None:
    question_type = QUESTION_TYPES[type_name]
    spec = spec_of(type_name)
    count = question_type.option_count(spec)

    orders = [question_type.draw_option_order(spec, seed) for seed in range(20)]

    assert orders == [question_type.draw_option_order(spec, seed) for seed in range(20)]
    if count > 1:
        assert all(sorted(order or []) == list(range(count)) for order in orders)
        assert len({tuple(order or []) for order in orders}) > 1
    else:
        assert orders == [None] * 20


def test_grades_are_frozen() -> None:
    grade = Grade.of(0.5)

    with pytest.raises(dataclasses.FrozenInstanceError):
        grade.fraction = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fraction", "expected"), [(-0.2, 0.0), (1.3, 1.0), (0.9999999999, 1.0), (1 / 3, 0.3333333)]
)
def test_grade_of_clamps_and_rounds(fraction: float, expected: float) -> None:
    grade = Grade.of(fraction)

    assert grade.fraction == expected
    assert grade.correct == (expected == 1)


@pytest.mark.parametrize(
    ("fraction", "correct"), [(1.5, False), (-0.1, False), (0.5, True), (1.0, False)]
)
def test_inconsistent_grades_cannot_be_built(fraction: float, correct: bool) -> None:
    with pytest.raises(ValueError, match="grade"):
        Grade(fraction, correct)
