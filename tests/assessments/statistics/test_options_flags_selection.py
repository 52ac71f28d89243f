"""Distractor analysis, flags and the choice of attempts, worked by hand."""

import numpy as np
import pytest

from assessments.statistics import (
    AttemptSelection,
    OptionInfo,
    ResponseMatrix,
    attempts_select,
    report_as_json,
    statistics_compute,
)
from assessments.statistics.flags import (
    EFFECTIVE_WEIGHT_FACTOR,
    FACILITY_MAX,
    FACILITY_MIN,
    ItemFlag,
    item_flags,
)
from assessments.statistics.matrix import AttemptInfo
from assessments.statistics.options import NON_FUNCTIONAL_SHARE, options_analyse, picks_of

NO_FLAGS = {
    "facility": 50.0,
    "discrimination_index": 30.0,
    "discriminative_efficiency": 40.0,
    "random_guess_score": 25.0,
    "intended_weight": 10.0,
    "effective_weight": 10.0,
    "negative_covariance": False,
    "non_functional_distractors": 0,
}


def _analysed(options: tuple[OptionInfo, ...], responses: list, rests: list[float]) -> tuple:
    picks = picks_of(responses, [option.option for option in options])
    assert picks is not None
    return options_analyse(options=options, picks=picks, rests=np.asarray(rests))


def _with_responses() -> ResponseMatrix:
    matrix = ResponseMatrix()
    for attempt, q1, answer, q2 in (("a1", 1, "A", 0), ("a2", 0, "B", 1), ("a3", 1, "A", 1)):
        matrix.add(attempt=attempt, item="q1", mark=q1, max_mark=1, response=answer)
        matrix.add(attempt=attempt, item="q2", mark=q2, max_mark=1)
    return matrix


def test_options_are_counted_and_correlated_with_the_rest_of_the_test() -> None:
    # B was chosen in a2 only: indicator 0,1,0 against X = 0,1,1 -> deviations (-1/3,2/3,-1/3)
    # and (-2/3,1/3,1/3): r = (3/9) / (6/9) = 0.5, a positive distractor -> non-functional.
    q1 = report_as_json(statistics_compute(matrix=_with_responses()))["items"][0]
    options = {option["option"]: option for option in q1["options"]}
    assert options["A"]["count"] == 2
    assert options["A"]["share"] == pytest.approx(200 / 3)
    assert options["A"]["is_distractor"] is False
    assert options["A"]["discrimination"] == pytest.approx(-50)
    assert options["B"]["discrimination"] == pytest.approx(50)
    assert options["B"]["non_functional"] is True
    assert ItemFlag.NON_FUNCTIONAL_DISTRACTORS in q1["flags"]


def test_a_csv_single_choice_item_has_the_mean_of_its_options_fractions_as_guess_score() -> None:
    q1, q2 = report_as_json(statistics_compute(matrix=_with_responses()))["items"]
    assert q1["random_guess_score"] == pytest.approx(50)
    assert ItemFlag.HIGH_RANDOM_GUESS_SCORE in q1["flags"]
    # Without responses nothing is known of q2's options or guesses.
    assert q2["random_guess_score"] is None
    assert "options" not in q2


def test_a_distractor_below_five_percent_is_non_functional() -> None:
    def analysed(choosers: int, attempts: int) -> bool:
        options = (OptionInfo("key", "key", 1.0), OptionInfo("rare", "rare", 0.0))
        responses = ["rare"] * choosers + ["key"] * (attempts - choosers)
        # Weaker learners choose the distractor: its discrimination is negative.
        rests = [0.0] * choosers + [float(n) for n in range(1, attempts - choosers + 1)]
        rare = _analysed(options, responses, rests)[1]
        assert rare.discrimination is not None
        assert rare.discrimination < 0
        return rare.non_functional

    assert NON_FUNCTIONAL_SHARE == 5
    assert analysed(choosers=1, attempts=20) is False  # exactly 5 %
    assert analysed(choosers=1, attempts=21) is True  # 4.8 %
    # A key is never a non-functional distractor, nor an option nobody was shown.
    key = _analysed((OptionInfo("key", "key", 1.0),), ["key", "key"], [1.0, 0.0])[0]
    assert (key.count, key.non_functional, key.discrimination) == (2, False, None)


def test_an_option_nobody_chose_is_a_non_functional_distractor() -> None:
    options = (OptionInfo("k", "k", 1.0), OptionInfo("never", "never", 0.0))
    never = _analysed(options, ["k", None], [1.0, 0.0])[1]
    assert (never.count, never.share, never.discrimination) == (0, 0.0, None)
    assert never.non_functional is True


@pytest.mark.parametrize(
    ("change", "flag"),
    [
        ({"discriminative_efficiency": 14.99}, ItemFlag.LOW_DISCRIMINATIVE_EFFICIENCY),
        ({"discrimination_index": -0.01}, ItemFlag.NEGATIVE_DISCRIMINATION),
        ({"random_guess_score": 40.01}, ItemFlag.HIGH_RANDOM_GUESS_SCORE),
        ({"facility": FACILITY_MIN - 0.01}, ItemFlag.FACILITY_OUT_OF_RANGE),
        ({"facility": FACILITY_MAX + 0.01}, ItemFlag.FACILITY_OUT_OF_RANGE),
        ({"non_functional_distractors": 1}, ItemFlag.NON_FUNCTIONAL_DISTRACTORS),
        ({"effective_weight": 10 * EFFECTIVE_WEIGHT_FACTOR + 0.01}, ItemFlag.EFFECTIVE_WEIGHT_OFF),
        ({"effective_weight": 10 / EFFECTIVE_WEIGHT_FACTOR - 0.01}, ItemFlag.EFFECTIVE_WEIGHT_OFF),
        ({"effective_weight": None, "negative_covariance": True}, ItemFlag.EFFECTIVE_WEIGHT_OFF),
    ],
)
def test_each_flag_is_raised_just_past_its_threshold(change: dict, flag: ItemFlag) -> None:
    assert item_flags(**NO_FLAGS) == ()
    assert item_flags(**(NO_FLAGS | change)) == (flag,)


def test_thresholds_themselves_raise_no_flag() -> None:
    at_limits = NO_FLAGS | {
        "discriminative_efficiency": 15.0,
        "discrimination_index": 0.0,
        "random_guess_score": 40.0,
        "facility": FACILITY_MAX,
        "effective_weight": 10 * EFFECTIVE_WEIGHT_FACTOR,
    }
    assert item_flags(**at_limits) == ()
    undefined = dict.fromkeys(NO_FLAGS, None) | {
        "negative_covariance": False,
        "non_functional_distractors": 0,
    }
    assert item_flags(**undefined) == ()


def test_attempts_are_chosen_first_last_best_or_all() -> None:
    # Ada: attempt 1 scores 2, attempt 2 scores 2 (a tie), attempt 3 scores 1. Alan: one.
    info = {
        "x1": AttemptInfo("ada", 1),
        "x2": AttemptInfo("ada", 2),
        "x3": AttemptInfo("ada", 3),
        "y1": AttemptInfo("alan", 1),
    }
    totals = {"x1": 2.0, "x2": 2.0, "x3": 1.0, "y1": 0.0}

    def chosen(which: AttemptSelection) -> set[str]:
        return attempts_select(attempts=info, totals=totals, which=which)

    assert chosen(AttemptSelection.FIRST) == {"x1", "y1"}
    assert chosen(AttemptSelection.LAST) == {"x3", "y1"}
    # Moodle's highest grade: among equal bests, the earliest attempt.
    assert chosen(AttemptSelection.BEST) == {"x1", "y1"}
    assert chosen(AttemptSelection.ALL) == set(totals)


def test_the_selection_changes_what_the_report_counts() -> None:
    matrix = ResponseMatrix()
    for attempt, mark in (("x1", 0), ("x2", 1), ("y1", 1)):
        matrix.add(attempt=attempt, item="q", mark=mark, max_mark=1)
    info = {"x1": AttemptInfo("ada", 1), "x2": AttemptInfo("ada", 2), "y1": AttemptInfo("b", 1)}
    first = statistics_compute(matrix=matrix, attempts=info, selection=AttemptSelection.FIRST)
    best = statistics_compute(matrix=matrix, attempts=info, selection=AttemptSelection.BEST)
    assert (first.test.attempts, first.items[0].facility) == (2, 50)
    assert (best.test.attempts, best.items[0].facility) == (2, 100)
    assert first.test.selection == "first"
