"""ordering: credit for adjacent pairs kept in the right order."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError, option_id
from tests.question_examples import spec_of

ORDERING = QUESTION_TYPES["ordering"]


def ordering() -> dict[str, Any]:
    """The four lines of a multi-stage Dockerfile, in their right order."""
    return spec_of("ordering")


ITEMS = ordering()["items"]


def _ids(*positions: int) -> list[str]:
    return [option_id(ITEMS[position]) for position in positions]


@pytest.mark.parametrize(
    ("positions", "fraction"),
    [
        ((0, 1, 2, 3), 1),
        ((3, 2, 1, 0), 0),
        ((1, 2, 3, 0), 2 / 3),
        ((2, 3, 0, 1), 2 / 3),
        ((0, 2, 1, 3), 0),
        ((0, 1, 3, 2), 1 / 3),
    ],
)
def test_it_credits_adjacent_pairs_in_the_right_order(
    positions: tuple[int, ...], fraction: float
) -> None:
    grade = ORDERING.grade(ordering(), _ids(*positions))

    assert grade.fraction == pytest.approx(fraction)
    assert grade.correct == (fraction == 1)
    assert len(grade.parts) == len(ITEMS) - 1


def test_parts_name_each_pair_of_the_response() -> None:
    grade = ORDERING.grade(ordering(), _ids(0, 1, 3, 2))

    assert grade.parts[0].label == f"{ITEMS[0]} → {ITEMS[1]}"
    assert [part.correct for part in grade.parts] == [True, False, False]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "Put the items in order"),
        ("abc", "list of item ids"),
        ([1, 2], "list of item ids"),
        (_ids(0, 1, 2), "every item exactly once"),
        (_ids(0, 1, 2, 2), "every item exactly once"),
        ([*_ids(0, 1, 2), "nope"], "Unknown item id 'nope'"),
    ],
)
def test_it_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        ORDERING.normalise_response(ordering(), raw)


@pytest.mark.parametrize(
    ("items", "error"),
    [
        (["only one"], "items: needs at least 2 entries"),
        (["a", "a"], "items[1]: repeats 'a'"),
        (["a", ""], "items[1]: must not be empty"),
        ("a, b", "items: must be a list of strings"),
    ],
)
def test_spec_errors(items: object, error: str) -> None:
    assert error in ORDERING.validate_spec(ordering() | {"items": items})
