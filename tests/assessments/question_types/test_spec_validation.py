"""Fields every type shares: prompt, feedback citing its section, and the optional bank fields."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES
from tests.question_examples import spec_of

SINGLE = QUESTION_TYPES["single_choice"]


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_example_is_valid(type_name: str) -> None:
    assert QUESTION_TYPES[type_name].validate_spec(spec_of(type_name)) == []


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_requires_prompt_and_feedback(type_name: str) -> None:
    spec = spec_of(type_name)
    del spec["prompt"], spec["feedback"]

    errors = QUESTION_TYPES[type_name].validate_spec(spec)

    assert "prompt: is required" in errors
    assert "feedback: is required" in errors


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_reports_its_missing_fields_and_never_crashes_on_an_empty_spec(
    type_name: str,
) -> None:
    errors = QUESTION_TYPES[type_name].validate_spec({})

    assert len(errors) > 2, errors


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_refuses_a_spec_that_is_not_a_mapping(type_name: str) -> None:
    assert QUESTION_TYPES[type_name].validate_spec(["prompt"]) == [  # type: ignore[arg-type]
        "the spec must be a mapping of fields"
    ]


def test_a_bank_item_with_all_common_fields_is_valid() -> None:
    spec = spec_of("single_choice") | {
        "key": "s3-pin-base-tag",
        "section": "writing-production-ready-dockerfiles",
        "objectives": [3],
        "type": "single_choice",
        "points": 2,
        "difficulty": 0.4,
        "tags": ["base-image", "pinning"],
    }

    assert SINGLE.validate_spec(spec) == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"feedback": "Pin your images."}, "feedback: must cite its section"),
        ({"prompt": "   "}, "prompt: must not be empty"),
        ({"prompt": 3}, "prompt: must be a string"),
        ({"key": "S3 Pin"}, "key: must match"),
        ({"type": "true_false"}, "type: is 'true_false', but the spec is validated as"),
        ({"objectives": [0]}, "objectives: must be a list of positions"),
        ({"objectives": "3"}, "objectives: must be a list of positions"),
        ({"tags": "pinning"}, "tags: must be a list of strings"),
        ({"points": 0}, "points: must be positive"),
        ({"points": -1}, "points: must be at least 0"),
        ({"difficulty": 1.5}, "difficulty: must be at most 1"),
        ({"difficulty": "hard"}, "difficulty: must be a number"),
        ({"promt": "typo"}, "promt: unknown field"),
    ],
)
def test_common_field_errors(change: dict[str, Any], error: str) -> None:
    errors = SINGLE.validate_spec(spec_of("single_choice") | change)

    assert any(found.startswith(error) for found in errors), errors


def test_every_problem_is_reported_at_once() -> None:
    spec = spec_of("single_choice") | {"feedback": "no citation", "shuffle": 1, "extra": True}
    spec["options"][0]["correct"] = "yes"

    errors = SINGLE.validate_spec(spec)

    assert len(errors) == 4, errors
