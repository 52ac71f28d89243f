"""Per-item statistics against values worked by hand (see each test's comments)."""

import math

import pytest

from assessments.statistics import ResponseMatrix, report_as_json, statistics_compute
from assessments.statistics.flags import ItemFlag

from .matrices import FOUR_BY_THREE, MOODLE_00_ITEMS, THREE_BY_TWO, matrix_of, moodle_00_matrix


def _items(marks: dict[str, dict[str, float]], max_mark: float = 1.0) -> dict[str, dict]:
    report = statistics_compute(matrix=matrix_of(marks, max_mark))
    return {item["item"]: item for item in report_as_json(report)["items"]}


def test_three_attempts_two_items_match_the_hand_computation() -> None:
    # q1 marks 1,0,1 (mean 2/3); X = total - mark = 0,1,1. Deviations (1/3,-2/3,1/3) and
    # (-2/3,1/3,1/3): var(m) = var(X) = (6/9)/2 = 1/3, cov = (-3/9)/2 = -1/6 -> DI = -50.
    # Sorted deviations pair to 6/9, so covmax = 1/3 -> DE = -50. cov(m, T) = 1/6 for both
    # items, so each has effective weight 50.
    items = _items(THREE_BY_TWO)
    q1 = items["q1"]
    assert q1["attempts"] == 3
    assert q1["facility"] == pytest.approx(200 / 3)
    assert q1["sd"] == pytest.approx(100 * math.sqrt(1 / 3))
    assert q1["discrimination_index"] == pytest.approx(-50)
    assert q1["discriminative_efficiency"] == pytest.approx(-50)
    assert q1["intended_weight"] == pytest.approx(50)
    assert q1["effective_weight"] == pytest.approx(50)
    assert q1["negative_covariance"] is False


def test_an_item_everyone_gets_right_has_no_discrimination_and_no_weight() -> None:
    # q1 is 1 in every attempt: its variance is 0, so DI and DE are undefined (Moodle: NULL),
    # cov(m, T) = 0 gives effective weight 0 while the others share the rest.
    items = _items(FOUR_BY_THREE)
    q1 = items["q1"]
    assert q1["facility"] == 100
    assert q1["sd"] == 0
    assert q1["discrimination_index"] is None
    assert q1["discriminative_efficiency"] is None
    assert q1["effective_weight"] == 0
    assert ItemFlag.FACILITY_OUT_OF_RANGE in q1["flags"]
    assert ItemFlag.EFFECTIVE_WEIGHT_OFF in q1["flags"]


def test_items_uncorrelated_with_the_rest_have_zero_discrimination() -> None:
    # q2 marks 1,1,0,0 against X = 2,1,2,1: deviations (.5,.5,-.5,-.5) and (.5,-.5,.5,-.5)
    # have cov 0 -> DI 0 and DE 0 (covmax = 1/3). cov(m, T) = 1/3 for q2 and q3 -> weights
    # 50 and 50 (q1 adds 0 to the denominator).
    items = _items(FOUR_BY_THREE)
    for name in ("q2", "q3"):
        assert items[name]["discrimination_index"] == pytest.approx(0)
        assert items[name]["discriminative_efficiency"] == pytest.approx(0)
        assert items[name]["effective_weight"] == pytest.approx(50)
        assert items[name]["flags"] == [ItemFlag.LOW_DISCRIMINATIVE_EFFICIENCY]


def test_a_single_attempt_leaves_every_spread_statistic_undefined() -> None:
    items = _items({"only": {"q1": 1, "q2": 0.5}})
    assert items["q2"]["facility"] == 50
    for name in ("q1", "q2"):
        item = items[name]
        assert item["attempts"] == 1
        assert item["sd"] is None
        assert item["discrimination_index"] is None
        assert item["discriminative_efficiency"] is None
        # Every cov(m, T) is undefined, so the effective weights' denominator is 0.
        assert item["effective_weight"] is None


def test_percentages_scale_with_the_items_maximum_mark() -> None:
    # The same matrix in marks out of 4: facility, SD%, DI and DE do not change.
    scaled = {a: {q: 4 * m for q, m in row.items()} for a, row in THREE_BY_TWO.items()}
    numbers = ("facility", "sd", "discrimination_index", "discriminative_efficiency")
    scaled_q1, plain_q1 = _items(scaled, max_mark=4)["q1"], _items(THREE_BY_TWO)["q1"]
    assert [scaled_q1[name] for name in numbers] == pytest.approx(
        [plain_q1[name] for name in numbers]
    )
    assert scaled_q1["max_mark"] == 4


def test_negative_covariance_with_the_total_leaves_the_effective_weight_undefined() -> None:
    # q3 is right exactly when the rest is wrong: cov(q3, T) < 0, Moodle shows "negative
    # covariance" instead of a weight.
    marks = {
        "a1": {"q1": 1, "q2": 1, "q3": 0},
        "a2": {"q1": 1, "q2": 1, "q3": 0},
        "a3": {"q1": 0, "q2": 0, "q3": 1},
        "a4": {"q1": 1, "q2": 0, "q3": 0},
    }
    q3 = _items(marks)["q3"]
    assert q3["negative_covariance"] is True
    assert q3["effective_weight"] is None
    assert ItemFlag.EFFECTIVE_WEIGHT_OFF in q3["flags"]
    assert ItemFlag.NEGATIVE_DISCRIMINATION in q3["flags"]


@pytest.mark.parametrize("slot", sorted(MOODLE_00_ITEMS))
def test_moodles_own_walkthrough_item_statistics_are_reproduced(slot: str) -> None:
    facility, sd, weight, discrimination, efficiency = MOODLE_00_ITEMS[slot]
    items = {
        item["item"]: item
        for item in report_as_json(statistics_compute(matrix=moodle_00_matrix()))["items"]
    }
    item = items[slot]
    assert item["facility"] == pytest.approx(100 * facility, rel=1e-6)
    assert item["sd"] == pytest.approx(100 * sd, rel=1e-6)
    assert item["effective_weight"] == pytest.approx(weight, rel=1e-5)
    assert item["discrimination_index"] == pytest.approx(discrimination, rel=1e-5)
    assert item["discriminative_efficiency"] == pytest.approx(efficiency, rel=1e-5)


def test_rounding_noise_in_equal_marks_is_not_a_spread() -> None:
    # 0.1 three times has a float mean of 0.10000000000000002: without the zero-spread rule the
    # deviations of 1e-17 would make a "discriminative efficiency" out of noise.
    matrix = ResponseMatrix()
    for attempt, other in (("a", 0.0), ("b", 1.0), ("c", 0.5)):
        matrix.add(attempt=attempt, item="flat", mark=0.1, max_mark=1)
        matrix.add(attempt=attempt, item="other", mark=other, max_mark=1)
    flat = report_as_json(statistics_compute(matrix=matrix))["items"][0]
    assert flat["sd"] == 0
    assert flat["discrimination_index"] is None
    assert flat["discriminative_efficiency"] is None


def test_items_drawn_into_some_attempts_are_computed_over_those_attempts() -> None:
    # q2 is in a1 and a2 only (marks 1, 0), q3 in a3 only.
    marks = {
        "a1": {"q1": 1, "q2": 1},
        "a2": {"q1": 0, "q2": 0},
        "a3": {"q1": 1, "q3": 1},
    }
    items = _items(marks)
    assert (items["q2"]["attempts"], items["q2"]["facility"]) == (2, 50)
    assert (items["q3"]["attempts"], items["q3"]["facility"]) == (1, 100)
    # q2 against the rest of a1 and a2 (1 and 0): a perfect correlation.
    assert items["q2"]["discrimination_index"] == pytest.approx(100)
    assert items["q3"]["discrimination_index"] is None
