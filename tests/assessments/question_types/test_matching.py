"""matching: credit for each left matched to its right."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError, option_id
from tests.question_examples import spec_of

MATCHING = QUESTION_TYPES["matching"]


def matching() -> dict[str, Any]:
    """Pairs -d, -p and -v with what each does, and one distractor."""
    return spec_of("matching")


def _answer(**chosen: str) -> dict[str, str]:
    return {option_id(f"-{flag}"): option_id(right) for flag, right in chosen.items()}


def test_every_pair_matched_gets_full_credit() -> None:
    response = _answer(d="run in the background", p="publish a port", v="mount a volume")

    grade = MATCHING.grade(matching(), response)

    assert grade.fraction == 1
    assert grade.correct


def test_each_correct_pair_earns_its_share() -> None:
    response = _answer(d="run in the background", p="mount a volume", v="set the hostname")

    grade = MATCHING.grade(matching(), response)

    assert grade.fraction == pytest.approx(1 / 3)
    assert [(part.label, part.correct) for part in grade.parts] == [
        ("-d", True),
        ("-p", False),
        ("-v", False),
    ]


def test_an_unanswered_left_counts_as_wrong() -> None:
    grade = MATCHING.grade(matching(), _answer(p="publish a port", v="mount a volume"))

    assert grade.fraction == pytest.approx(2 / 3)


def test_a_right_shared_by_two_lefts_is_one_choice() -> None:
    spec = matching()
    spec["pairs"].append({"left": "--detach", "right": "run in the background"})
    response = _answer(d="run in the background") | {
        option_id("--detach"): option_id("run in the background")
    }

    assert MATCHING.option_count(spec) == 4
    assert MATCHING.grade(spec, response).fraction == 0.5


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "at least one"),
        ([option_id("-d")], "maps each left"),
        ({option_id("-d"): 3}, "maps each left"),
        ({"nope": option_id("publish a port")}, "Unknown item id 'nope'"),
        ({option_id("-d"): "nope"}, "Unknown choice id 'nope'"),
    ],
)
def test_it_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        MATCHING.normalise_response(matching(), raw)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"pairs": [{"left": "-d", "right": "x"}]}, "pairs: needs at least 2 entries"),
        (
            {"pairs": [{"left": "-d", "right": "x"}, {"left": "-d", "right": "y"}]},
            "pairs[1]: repeats '-d'",
        ),
        ({"pairs": [{"left": "-d"}, {"left": "-p", "right": "y"}]}, "pairs[0].right: is required"),
        (
            {"distractors": ["publish a port"]},
            "distractors[0]: 'publish a port' is also a right-hand answer",
        ),
        ({"distractors": "x"}, "distractors: must be a list of strings"),
    ],
)
def test_spec_errors(change: dict[str, object], error: str) -> None:
    assert error in MATCHING.validate_spec(matching() | change)
