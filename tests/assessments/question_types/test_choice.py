"""single_choice, multiple_response and true_false: grading, responses and spec errors."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError, option_id
from tests.question_examples import spec_of

SINGLE = QUESTION_TYPES["single_choice"]
MULTIPLE = QUESTION_TYPES["multiple_response"]
TRUE_FALSE = QUESTION_TYPES["true_false"]


def single_choice() -> dict[str, Any]:
    """Options: FROM node:18.17.1-alpine3.18 (correct), FROM node:latest, FROM node."""
    return spec_of("single_choice")


def multiple_response() -> dict[str, Any]:
    """Options: RUN and COPY (correct), ENV and LABEL; wrong picks cost credit (penalty)."""
    return spec_of("multiple_response")


def true_false() -> dict[str, Any]:
    """The answer is true."""
    return spec_of("true_false")


def test_single_choice_gives_full_credit_for_the_correct_option() -> None:
    spec = single_choice()

    grade = SINGLE.grade(spec, option_id("FROM node:18.17.1-alpine3.18"))

    assert grade.fraction == 1
    assert grade.correct
    assert grade.parts[0].feedback == spec["options"][0]["feedback"]
    assert grade.explanation == "Correct."


def test_single_choice_gives_nothing_for_a_wrong_option_with_its_feedback() -> None:
    spec = single_choice()

    grade = SINGLE.grade(spec, option_id("FROM node:latest"))

    assert grade.fraction == 0
    assert not grade.correct
    assert grade.parts[0].label == "FROM node:latest"
    assert grade.parts[0].feedback == spec["options"][1]["feedback"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("nope", "Unknown option id 'nope'"),
        ("", "Choose an option"),
        ("   ", "Choose an option"),
        (0, "by its id"),
        ([option_id("FROM node")], "by its id"),
        (None, "by its id"),
    ],
)
def test_single_choice_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        SINGLE.normalise_response(single_choice(), raw)


@pytest.mark.parametrize(
    ("spec_change", "error"),
    [
        ({"options": []}, "options: needs at least 2 entries"),
        ({"options": "a, b"}, "options: must be a list of mappings"),
        ({"shuffle": "yes"}, "shuffle: must be true or false"),
    ],
)
def test_single_choice_spec_errors(spec_change: dict[str, object], error: str) -> None:
    assert error in SINGLE.validate_spec(single_choice() | spec_change)


def test_single_choice_needs_exactly_one_correct_option() -> None:
    spec = single_choice()
    spec["options"][1]["correct"] = True

    assert SINGLE.validate_spec(spec) == ["options: exactly one must be correct, not 2"]


def test_option_fields_are_checked_one_by_one() -> None:
    spec = single_choice()
    spec["options"][0] = {"text": "", "corect": True, "feedback": 3}
    spec["options"][2]["text"] = "FROM node:latest"

    errors = SINGLE.validate_spec(spec)

    assert "options[0].corect: unknown field" in errors
    assert "options[0].text: must not be empty" in errors
    assert "options[0].correct: is required" in errors
    assert "options[0].feedback: must be a string" in errors
    assert "options[2]: repeats 'FROM node:latest'" in errors


def test_multiple_response_gives_full_credit_for_exactly_the_correct_options() -> None:
    grade = MULTIPLE.grade(multiple_response(), [option_id("RUN"), option_id("COPY")])

    assert grade.fraction == 1
    assert grade.correct
    assert [part.label for part in grade.parts] == ["RUN", "COPY"]


@pytest.mark.parametrize(
    ("picked", "fraction"),
    [
        (["RUN"], 0.5),
        (["RUN", "ENV"], 0),
        (["RUN", "COPY", "ENV"], 0.5),
        (["ENV", "LABEL"], 0),
        (["RUN", "COPY", "ENV", "LABEL"], 0),
    ],
)
def test_multiple_response_partial_credit_with_penalty(picked: list[str], fraction: float) -> None:
    grade = MULTIPLE.grade(multiple_response(), [option_id(text) for text in picked])

    assert grade.fraction == fraction
    assert not grade.correct


def test_multiple_response_without_penalty_ignores_wrong_picks() -> None:
    spec = multiple_response() | {"penalty": False}

    grade = MULTIPLE.grade(spec, [option_id(text) for text in ["RUN", "ENV", "LABEL"]])

    assert grade.fraction == 0.5
    assert grade.explanation == (
        "Partly correct (50%). You chose 1 of the 2 correct options and 2 wrong one(s)."
    )


def test_multiple_response_thirds_add_up_to_full_credit() -> None:
    spec = multiple_response()
    spec["options"][2]["correct"] = True

    grade = MULTIPLE.grade(spec, [option_id(text) for text in ["RUN", "COPY", "ENV"]])

    assert grade.fraction == 1
    assert grade.correct


def test_multiple_response_normalises_to_authoring_order() -> None:
    response = MULTIPLE.normalise_response(
        multiple_response(), [option_id("COPY"), option_id("RUN")]
    )

    assert response == [option_id("RUN"), option_id("COPY")]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "at least one"),
        (option_id("RUN"), "list of option ids"),
        ([option_id("RUN"), option_id("RUN")], "only once"),
        ([option_id("RUN"), "zzz"], "Unknown option id 'zzz'"),
        ({"RUN": True}, "list of option ids"),
    ],
)
def test_multiple_response_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        MULTIPLE.normalise_response(multiple_response(), raw)


def test_multiple_response_needs_a_correct_option() -> None:
    spec = multiple_response()
    for option in spec["options"]:
        option["correct"] = False

    assert MULTIPLE.validate_spec(spec) == ["options: at least one must be correct"]


@pytest.mark.parametrize(("raw", "fraction"), [(True, 1), ("TRUE", 1), (False, 0), (" false", 0)])
def test_true_false_grades_the_verdict(raw: object, fraction: float) -> None:
    grade = TRUE_FALSE.grade(true_false(), raw)

    assert grade.fraction == fraction


def test_true_false_shows_the_feedback_for_the_chosen_verdict() -> None:
    spec = true_false()

    grade = TRUE_FALSE.grade(spec, False)

    assert grade.parts[0].label == "False"
    assert grade.parts[0].feedback == spec["feedback_false"]


@pytest.mark.parametrize(
    ("raw", "message"), [("", "Choose"), ("yes", "true or false"), (1, "true")]
)
def test_true_false_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        TRUE_FALSE.normalise_response(true_false(), raw)


def test_true_false_needs_a_boolean_answer() -> None:
    spec = true_false() | {"answer": "yes"}

    assert TRUE_FALSE.validate_spec(spec) == ["answer: must be true or false"]
