"""Statistics of the totals (Moodle's quiz statistics), worked by hand."""

import math

import pytest

from assessments.statistics import ResponseMatrix, report_as_json, statistics_compute

from .matrices import FOUR_BY_THREE, MOODLE_00_TEST, THREE_BY_TWO, matrix_of, moodle_00_matrix


def _test(matrix: ResponseMatrix) -> dict:
    return report_as_json(statistics_compute(matrix=matrix))["test"]


def test_three_attempts_match_the_hand_computation() -> None:
    # Totals 1, 1, 2 out of 2: mean 4/3, median 1, deviations (-1/3, -1/3, 2/3): sum of squares
    # 2/3 -> SD sqrt(1/3). k2 = 1/3 and k3 = 9 (2/27) / 2 = 1/3 -> skewness sqrt(3); no
    # kurtosis below four attempts. CIC = 200 (1 - (1/3 + 1/3) / (1/3)) = -200, error ratio
    # 100 sqrt(3), standard error = error ratio x SD / 100 = 1 mark = 50 %.
    test = _test(matrix_of(THREE_BY_TWO))
    assert test["attempts"] == 3
    assert test["max_mark"] == 2
    assert test["mean"] == pytest.approx(100 * (4 / 3) / 2)
    assert test["median"] == pytest.approx(50)
    assert test["sd"] == pytest.approx(100 * math.sqrt(1 / 3) / 2)
    assert test["skewness"] == pytest.approx(math.sqrt(3))
    assert test["kurtosis"] is None
    assert test["cic"] == pytest.approx(-200)
    assert test["error_ratio"] == pytest.approx(100 * math.sqrt(3))
    assert test["standard_error"] == pytest.approx(50)


def test_four_attempts_with_an_even_median_and_kurtosis() -> None:
    # Totals 3, 2, 2, 1 out of 3: mean and median 2; deviations (1, 0, 0, -1): p2 = 2, p3 = 0,
    # p4 = 2 -> m2 = 1/2, m4 = 1/2; k2 = 2/3, k3 = 0 -> skewness 0;
    # k4 = 16 (5/2 - 9/4) / 6 = 2/3 -> kurtosis (2/3) / (4/9) = 3/2. Item variances 0, 1/3,
    # 1/3 -> CIC = 150 (1 - (2/3) / (2/3)) = 0, error ratio 100, SE = SD = sqrt(2/3) marks.
    test = _test(matrix_of(FOUR_BY_THREE))
    assert test["mean"] == pytest.approx(200 / 3)
    assert test["median"] == pytest.approx(200 / 3)
    assert test["sd"] == pytest.approx(100 * math.sqrt(2 / 3) / 3)
    assert test["skewness"] == pytest.approx(0)
    assert test["kurtosis"] == pytest.approx(1.5)
    assert test["cic"] == pytest.approx(0, abs=1e-9)
    assert test["error_ratio"] == pytest.approx(100)
    assert test["standard_error"] == pytest.approx(100 * math.sqrt(2 / 3) / 3)


def test_a_single_attempt_has_a_mean_and_median_only() -> None:
    test = _test(matrix_of({"only": {"q1": 1, "q2": 0.5}}))
    assert (test["attempts"], test["mean"], test["median"]) == (1, 75, 75)
    for name in ("sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error"):
        assert test[name] is None


def test_two_attempts_have_an_sd_but_no_cic_as_in_moodle() -> None:
    test = _test(matrix_of({"a": {"q1": 1, "q2": 1}, "b": {"q1": 0, "q2": 0}}))
    assert test["sd"] == pytest.approx(100 * math.sqrt(2) / 2)
    assert test["skewness"] is None
    assert test["cic"] is None


def test_equal_totals_leave_skewness_kurtosis_and_cic_undefined() -> None:
    # Every total is 1: k2 = 0, and Moodle computes nothing that divides by it.
    test = _test(
        matrix_of(
            {
                "a": {"q1": 1, "q2": 0},
                "b": {"q1": 0, "q2": 1},
                "c": {"q1": 1, "q2": 0},
                "d": {"q1": 0, "q2": 1},
            }
        )
    )
    assert test["sd"] == 0
    assert (test["skewness"], test["kurtosis"], test["cic"]) == (None, None, None)


def test_one_item_has_no_cic() -> None:
    test = _test(matrix_of({"a": {"q": 1}, "b": {"q": 0}, "c": {"q": 1}}))
    assert test["positions"] == 1
    assert test["skewness"] is not None
    assert test["cic"] is None


def test_moodles_own_walkthrough_test_statistics_are_reproduced() -> None:
    test = _test(moodle_00_matrix())
    assert test["attempts"] == 25
    for name in ("mean", "median", "sd", "standard_error"):
        assert test[name] == pytest.approx(100 * MOODLE_00_TEST[name] / 7, rel=1.5e-5)
    for name in ("skewness", "kurtosis", "cic", "error_ratio"):
        assert test[name] == pytest.approx(MOODLE_00_TEST[name], rel=1.5e-5)


def test_slots_are_the_positions_of_a_test_with_random_draws() -> None:
    # Slot s1 draws qa or qb, slot s2 is always qc. Totals 2, 0, 2, 1: k2 = 2.75 / 3.
    # Slot variances: s1 marks 1,0,1,1 -> 1/4; s2 marks 1,0,1,0 -> 1/3.
    # CIC = 200 (1 - (7/12) / (11/12)) = 800/11 over p = 2 slots.
    matrix = ResponseMatrix()
    for attempt, s1_item, s1_mark, s2_mark in (
        ("a1", "qa", 1, 1),
        ("a2", "qb", 0, 0),
        ("a3", "qa", 1, 1),
        ("a4", "qb", 1, 0),
    ):
        matrix.add(attempt=attempt, item=s1_item, mark=s1_mark, max_mark=1, slot="s1")
        matrix.add(attempt=attempt, item="qc", mark=s2_mark, max_mark=1, slot="s2")
    report = report_as_json(statistics_compute(matrix=matrix))
    assert report["test"]["positions"] == 2
    assert report["test"]["cic"] == pytest.approx(800 / 11)
    items = {item["item"]: item for item in report["items"]}
    assert (items["qa"]["attempts"], items["qa"]["facility"]) == (2, 100)
    assert (items["qb"]["attempts"], items["qb"]["facility"]) == (2, 50)
    assert items["qa"]["intended_weight"] == pytest.approx(50)


def test_no_statistic_is_ever_nan_or_infinite() -> None:
    # A CIC above 100 (possible with draws) has no error ratio: Moodle stores NULL for the NaN.
    matrix = ResponseMatrix()
    rows = [
        ("a", "x", 1),
        ("a", "y", 1),
        ("b", "x", 0),
        ("b", "z", 0),
        ("c", "y", 1),
        ("c", "z", 0),
    ]
    for attempt, item, mark in rows:
        matrix.add(attempt=attempt, item=item, mark=mark, max_mark=1)
    report = report_as_json(statistics_compute(matrix=matrix))
    values = [*report["test"].values()] + [v for item in report["items"] for v in item.values()]
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in values)
