"""Distractor analysis of a choice item: how often each option was chosen, its share of the
item's attempts, and its discrimination (100 x the Pearson correlation between choosing it and
the rest of the test, X = total - the item's mark, the same X as the discrimination index).

A distractor (an option that earns nothing) is non-functional when fewer than 5 % of the
attempts choose it or when its discrimination is positive, i.e. stronger learners choose it
more (Tarrant, Ware and Mohammed, 2009).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assessments.statistics.matrix import Choice, OptionInfo
from assessments.statistics.moments import Values, pearson_percent

# Tarrant et al. (2009): a distractor chosen by fewer than this share (%) of the attempts.
NON_FUNCTIONAL_SHARE = 5.0


@dataclass(frozen=True)
class OptionStatistics:
    option: str
    label: str
    count: int
    # Percent of the item's attempts that chose it (0 to 100).
    share: float
    discrimination: float | None
    is_distractor: bool
    non_functional: bool


@dataclass(frozen=True)
class Picks:
    """Who chose what: one row per attempt at the item, one column per option."""

    options: list[str]
    chosen: npt.NDArray[np.bool_]
    # Every response is a single option (or none): single-choice evidence.
    single: bool
    answered: npt.NDArray[np.bool_]


def picks_of(responses: list[Choice], known: Sequence[str] | None = None) -> Picks | None:
    """The choices of the responses over the `known` options (None: those that were chosen,
    in order of first choice); None when nothing is known of either."""
    options = list(known or [])
    column = {option: index for index, option in enumerate(options)}
    rows: list[int] = []
    columns: list[int] = []
    single = True
    for row, response in enumerate(responses):
        if response is None:
            continue
        if not isinstance(response, str):
            single = False
        for option in (response,) if isinstance(response, str) else response:
            index = column.get(option)
            if index is None:
                if known is not None:
                    continue  # an option the item no longer has
                index = column[option] = len(options)
                options.append(option)
            rows.append(row)
            columns.append(index)
    if not options:
        return None
    chosen = np.zeros((len(responses), len(options)), dtype=np.bool_)
    chosen[rows, columns] = True
    answered = np.fromiter((r is not None for r in responses), dtype=np.bool_, count=len(responses))
    return Picks(options=options, chosen=chosen, single=single, answered=answered)


def options_inferred(*, picks: Picks, marks: Values, max_mark: float) -> tuple[OptionInfo, ...]:
    """The options of an item known only from its responses (a CSV): those that someone chose,
    each with the mean fraction its choosers earned."""
    counts = picks.chosen.sum(axis=0)
    earned = marks @ picks.chosen
    return tuple(
        OptionInfo(
            option=option,
            label=option,
            fraction=float(earned[index] / counts[index] / max_mark) if max_mark else 0.0,
        )
        for index, option in enumerate(picks.options)
    )


def guess_score_inferred(*, picks: Picks, marks: Values, max_mark: float) -> float | None:
    """Single-choice evidence in a CSV: every attempt chose exactly one option, each option
    always earned the same mark, and there are at least two options. Then a random guess
    scores the mean of the options' fractions (Moodle's rule for single choice); otherwise the
    score is unknown. Options nobody chose are not in a CSV, so this is a lower-bound count."""
    if not picks.single or not picks.answered.all() or len(picks.options) < 2 or not max_mark:
        return None
    fractions = []
    for index in range(len(picks.options)):
        got = marks[picks.chosen[:, index]]
        if got.min() != got.max():
            return None
        fractions.append(float(got[0]) / max_mark)
    return math.fsum(fractions) / len(fractions)


def options_analyse(
    *, options: tuple[OptionInfo, ...], picks: Picks, rests: Values
) -> tuple[OptionStatistics, ...]:
    """Each option over the item's attempts (picks and rests in the same attempt order);
    `picks` must be over these options, in this order."""
    attempts = len(rests)
    counts = picks.chosen.sum(axis=0)
    analysed = []
    for index, option in enumerate(options):
        count = int(counts[index])
        share = 100 * count / attempts if attempts else 0.0
        discrimination = pearson_percent(picks.chosen[:, index].astype(np.float64), rests)
        analysed.append(
            OptionStatistics(
                option=option.option,
                label=option.label,
                count=count,
                share=share,
                discrimination=discrimination,
                is_distractor=option.is_distractor,
                non_functional=option.is_distractor
                and (share < NON_FUNCTIONAL_SHARE or (discrimination or 0) > 0),
            )
        )
    return tuple(analysed)
