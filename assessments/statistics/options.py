"""Distractor analysis of a choice item: how often each option was chosen, its share of the
item's attempts, and its discrimination (100 x the Pearson correlation between choosing it and
the rest of the test, X = total - the item's mark, the same X as the discrimination index).

A distractor (an option that earns nothing) is non-functional when fewer than 5 % of the
attempts choose it or when its discrimination is positive, i.e. stronger learners choose it
more (Tarrant, Ware and Mohammed, 2009).
"""

import math
from collections import Counter
from dataclasses import dataclass

from assessments.statistics.matrix import Choice, OptionInfo
from assessments.statistics.moments import pearson_percent

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


def _chosen(response: Choice) -> frozenset[str]:
    if response is None:
        return frozenset()
    if isinstance(response, str):
        return frozenset((response,))
    return frozenset(response)


def options_inferred(
    *, responses: list[Choice], marks: list[float], max_mark: float
) -> tuple[OptionInfo, ...] | None:
    """The options of an item known only from its responses (a CSV): those that someone chose,
    each with the mean fraction its choosers earned. None when nobody's response is known."""
    earned: dict[str, list[float]] = {}
    for response, mark in zip(responses, marks, strict=True):
        for option in sorted(_chosen(response)):
            earned.setdefault(option, []).append(mark)
    if not earned:
        return None
    return tuple(
        OptionInfo(
            option=option,
            label=option,
            fraction=(math.fsum(got) / len(got) / max_mark) if max_mark else 0.0,
        )
        for option, got in earned.items()
    )


def guess_score_inferred(
    *, responses: list[Choice], marks: list[float], max_mark: float
) -> float | None:
    """Single-choice evidence in a CSV: every attempt chose exactly one option, each option
    always earned the same mark, and there are at least two options. Then a random guess
    scores the mean of the options' fractions (Moodle's rule for single choice); otherwise the
    score is unknown. Options nobody chose are not in a CSV, so this is a lower-bound count."""
    earned: dict[str, set[float]] = {}
    for response, mark in zip(responses, marks, strict=True):
        if not isinstance(response, str) or not response:
            return None
        earned.setdefault(response, set()).add(mark)
    if len(earned) < 2 or any(len(got) != 1 for got in earned.values()) or not max_mark:
        return None
    return math.fsum(next(iter(got)) / max_mark for got in earned.values()) / len(earned)


def options_analyse(
    *, options: tuple[OptionInfo, ...], responses: list[Choice], rests: list[float]
) -> tuple[OptionStatistics, ...]:
    """Each option over the item's attempts (responses and rests in the same attempt order)."""
    attempts = len(responses)
    chosen = [_chosen(response) for response in responses]
    counts = Counter(option for picked in chosen for option in picked)
    analysed = []
    for option in options:
        count = counts.get(option.option, 0)
        share = 100 * count / attempts if attempts else 0.0
        indicator = [1.0 if option.option in picked else 0.0 for picked in chosen]
        discrimination = pearson_percent(indicator, rests)
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
