"""Item and test statistics of a response matrix, on Moodle's report scale (percentages 0-100).

Random draws: an item drawn into only some attempts is computed over the attempts that drew it,
as Moodle computes a question drawn by a random slot (its s is the number of attempts that drew
it, X and T come from those attempts). The test's internal consistency needs positions that
every attempt has: rows may name the slot their item was drawn into, and then the CIC, its
number of positions p and the effective weights' denominator come from the slots (Moodle's
"positions"); rows without a slot are each their own position, as in a test without draws.
One difference from Moodle, on purpose: Moodle's statistics of a randomly drawn question pair
its mark with the attempt total *including* it, ours with the total minus its mark, the same X
as for every other item (the definition the discrimination index is documented with).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from assessments.statistics.flags import ItemFlag, item_flags
from assessments.statistics.matrix import (
    AttemptInfo,
    AttemptSelection,
    Choice,
    ItemInfo,
    ResponseMatrix,
    attempts_select,
)
from assessments.statistics.moments import Moments, Values, item_moments
from assessments.statistics.options import (
    OptionStatistics,
    guess_score_inferred,
    options_analyse,
    options_inferred,
    picks_of,
)
from assessments.statistics.totals import total_moments


@dataclass(frozen=True)
class TestStatistics:
    __test__ = False  # not a pytest test class, whatever its name

    attempts: int
    selection: str
    # The maximum total of the counted attempts (their mean, should draws make it differ).
    max_mark: float | None
    positions: int
    # Percentages of max_mark, as Moodle's report shows them.
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None


@dataclass(frozen=True)
class ItemStatistics:
    item: str
    label: str
    question_type: str
    attempts: int
    max_mark: float
    mean_mark: float | None
    facility: float | None
    sd: float | None
    random_guess_score: float | None
    intended_weight: float | None
    effective_weight: float | None
    # Moodle shows "negative covariance" instead of an effective weight for such an item.
    negative_covariance: bool
    discrimination_index: float | None
    discriminative_efficiency: float | None
    flags: tuple[ItemFlag, ...]
    options: tuple[OptionStatistics, ...] | None


@dataclass(frozen=True)
class StatisticsReport:
    test: TestStatistics
    items: tuple[ItemStatistics, ...]
    # Each counted attempt's total as a percentage of its own maximum (for a histogram).
    attempt_percents: tuple[float, ...] = field(default_factory=tuple)


@dataclass
class _Group:
    """The rows of one item or one position among the counted attempts, in attempt order."""

    marks: Values
    rests: Values
    totals: Values
    responses: list[Choice]

    def moments(self) -> Moments | None:
        if not len(self.marks):
            return None
        return item_moments(marks=self.marks, rests=self.rests, totals=self.totals)


def _percent(value: float | None, of: float | None) -> float | None:
    if value is None or not of:
        return None
    return 100 * value / of


@dataclass(frozen=True)
class _Columns:
    """The matrix's rows of counted attempts as arrays, sorted by attempt (stably)."""

    rows: npt.NDArray[np.intp]
    attempt: npt.NDArray[np.intp]
    mark: Values
    total: Values


def _split(keys: npt.NDArray[np.intp], count: int) -> list[npt.NDArray[np.intp]]:
    """Row numbers (of `keys`) grouped by key 0..count-1, each group in row order."""
    order = np.argsort(keys, kind="stable")
    bounds = np.cumsum(np.bincount(keys, minlength=count))
    return np.split(order, bounds[:-1])


def _group(columns: _Columns, rows: npt.NDArray[np.intp], responses: list[Choice] | None) -> _Group:
    """The rows' arrays; their responses too when asked (an item's, not a position's)."""
    marks = columns.mark[rows]
    totals = columns.total[rows]
    picked: list[Choice] = []
    if responses is not None:
        picked = [responses[row] for row in columns.rows[rows].tolist()]
    return _Group(marks=marks, rests=totals - marks, totals=totals, responses=picked)


def statistics_compute(
    *,
    matrix: ResponseMatrix,
    items: Mapping[str, ItemInfo] | None = None,
    attempts: Mapping[str, AttemptInfo] | None = None,
    selection: AttemptSelection = AttemptSelection.ALL,
) -> StatisticsReport:
    """Every statistic of Moodle's report for the attempts that `selection` counts."""
    items = items or {}
    attempt_of = np.asarray(matrix.row_attempt, dtype=np.intp)
    item_of = np.asarray(matrix.row_item, dtype=np.intp)
    marks = np.asarray(matrix.row_mark, dtype=np.float64)
    count = len(matrix.attempts)
    totals = np.bincount(attempt_of, weights=marks, minlength=count)
    item_max = np.asarray(matrix.item_max, dtype=np.float64)
    maxima = np.bincount(attempt_of, weights=item_max[item_of], minlength=count)
    chosen = attempts_select(
        attempts=attempts or {},
        totals=dict(zip(matrix.attempts, totals.tolist(), strict=True)),
        which=selection,
    )
    counted = np.fromiter((a in chosen for a in matrix.attempts), dtype=bool, count=count)
    kept = np.flatnonzero(counted[attempt_of]) if count else np.zeros(0, dtype=np.intp)
    columns = _Columns(
        rows=kept,
        attempt=attempt_of[kept],
        mark=marks[kept],
        total=totals[attempt_of[kept]],
    )
    by_item = [
        _group(columns, rows, matrix.row_response)
        for rows in _split(item_of[kept], len(matrix.items))
    ]
    position_of = np.asarray(matrix.row_position, dtype=np.intp)[kept]
    slot_moments = [
        moments
        for rows in _split(position_of, len(matrix.positions))
        if len(rows) and (moments := _group(columns, rows, None).moments())
    ]
    max_mark = _test_maximum(maxima[counted].tolist())
    test = _test_statistics(totals[counted], max_mark, slot_moments, selection)
    weight_denominator = math.fsum(
        math.sqrt(moments.covariance_with_total or 0.0)
        for moments in slot_moments
        if (moments.covariance_with_total or 0.0) >= 0
    )
    item_statistics = tuple(
        _item_statistics(
            name=name,
            max_mark=matrix.item_max[index],
            group=by_item[index],
            info=items.get(name, ItemInfo()),
            test_max=max_mark,
            weight_denominator=weight_denominator,
        )
        for index, name in enumerate(matrix.items)
    )
    tops = maxima[counted]
    percents = tuple((100 * totals[counted][tops > 0] / tops[tops > 0]).tolist())
    return StatisticsReport(test=test, items=item_statistics, attempt_percents=percents)


def _test_maximum(maxima: list[float]) -> float | None:
    if not maxima:
        return None
    if all(top == maxima[0] for top in maxima):
        return maxima[0]
    return math.fsum(maxima) / len(maxima)


def _test_statistics(
    totals: Values,
    max_mark: float | None,
    slot_moments: list[Moments],
    selection: AttemptSelection,
) -> TestStatistics:
    raw = total_moments(
        totals=totals,
        positions=len(slot_moments),
        sum_of_mark_variance=math.fsum(moments.mark_variance or 0.0 for moments in slot_moments),
    )
    return TestStatistics(
        attempts=raw.attempts,
        selection=str(selection),
        max_mark=max_mark,
        positions=len(slot_moments),
        mean=_percent(raw.mean, max_mark),
        median=_percent(raw.median, max_mark),
        sd=_percent(raw.sd, max_mark),
        skewness=raw.skewness,
        kurtosis=raw.kurtosis,
        cic=raw.cic,
        error_ratio=raw.error_ratio,
        standard_error=_percent(raw.standard_error, max_mark),
    )


def _item_statistics(
    *,
    name: str,
    max_mark: float,
    group: _Group,
    info: ItemInfo,
    test_max: float | None,
    weight_denominator: float,
) -> ItemStatistics:
    moments = group.moments()
    covariance = moments.covariance_with_total if moments else None
    negative = covariance is not None and covariance < 0
    effective_weight = None
    if weight_denominator and moments is not None and not negative:
        effective_weight = 100 * math.sqrt(covariance or 0.0) / weight_denominator
    guess = info.random_guess_score
    options_known = info.options
    known = [option.option for option in options_known] if options_known else None
    picks = picks_of(group.responses, known) if info.question_type == "" or known else None
    if not info.question_type and picks is not None:
        guess = guess_score_inferred(picks=picks, marks=group.marks, max_mark=max_mark)
        options_known = options_inferred(picks=picks, marks=group.marks, max_mark=max_mark)
    options = (
        options_analyse(options=options_known, picks=picks, rests=group.rests)
        if options_known and picks is not None
        else None
    )
    facility = _percent(moments.mark_mean, max_mark) if moments else None
    intended_weight = _percent(max_mark, test_max)
    discrimination = moments.discrimination_index if moments else None
    efficiency = moments.discriminative_efficiency if moments else None
    guess_percent = None if guess is None else 100 * guess
    return ItemStatistics(
        item=name,
        label=info.label or name,
        question_type=info.question_type,
        attempts=len(group.marks),
        max_mark=max_mark,
        mean_mark=moments.mark_mean if moments else None,
        facility=facility,
        sd=_percent(moments.sd, max_mark) if moments else None,
        random_guess_score=guess_percent,
        intended_weight=intended_weight,
        effective_weight=effective_weight,
        negative_covariance=negative,
        discrimination_index=discrimination,
        discriminative_efficiency=efficiency,
        flags=item_flags(
            facility=facility,
            discrimination_index=discrimination,
            discriminative_efficiency=efficiency,
            random_guess_score=guess_percent,
            intended_weight=intended_weight,
            effective_weight=effective_weight,
            negative_covariance=negative,
            non_functional_distractors=sum(1 for option in options or () if option.non_functional),
        ),
        options=options,
    )


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity; an undefined statistic is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _option_json(option: OptionStatistics) -> dict[str, Any]:
    return {
        "option": option.option,
        "label": option.label,
        "count": option.count,
        "share": _finite(option.share),
        "discrimination": _finite(option.discrimination),
        "is_distractor": option.is_distractor,
        "non_functional": option.non_functional,
    }


def item_as_json(item: ItemStatistics) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "item": item.item,
        "label": item.label,
        "attempts": item.attempts,
        "max_mark": _finite(item.max_mark),
        "facility": _finite(item.facility),
        "sd": _finite(item.sd),
        "random_guess_score": _finite(item.random_guess_score),
        "intended_weight": _finite(item.intended_weight),
        "effective_weight": _finite(item.effective_weight),
        "negative_covariance": item.negative_covariance,
        "discrimination_index": _finite(item.discrimination_index),
        "discriminative_efficiency": _finite(item.discriminative_efficiency),
        "flags": [str(flag) for flag in item.flags],
    }
    if item.options is not None:
        shown["options"] = [_option_json(option) for option in item.options]
    return shown


def report_as_json(report: StatisticsReport) -> dict[str, Any]:
    """The report as JSON-safe values: the `test` object and the `items` list."""
    test = report.test
    return {
        "test": {
            "attempts": test.attempts,
            "selection": test.selection,
            "max_mark": _finite(test.max_mark),
            "positions": test.positions,
            "mean": _finite(test.mean),
            "median": _finite(test.median),
            "sd": _finite(test.sd),
            "skewness": _finite(test.skewness),
            "kurtosis": _finite(test.kurtosis),
            "cic": _finite(test.cic),
            "error_ratio": _finite(test.error_ratio),
            "standard_error": _finite(test.standard_error),
        },
        "items": [item_as_json(item) for item in report.items],
    }


# The CSV export has the JSON item's columns; flags are joined by ";", undefined is empty.
ITEM_CSV_COLUMNS = (
    "item",
    "attempts",
    "facility",
    "sd",
    "random_guess_score",
    "intended_weight",
    "effective_weight",
    "discrimination_index",
    "discriminative_efficiency",
    "flags",
)
FLAG_SEPARATOR = ";"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return FLAG_SEPARATOR.join(value)
    return str(value)


def items_csv_rows(report: StatisticsReport) -> list[list[str]]:
    """The header and one row per item."""
    rows = [list(ITEM_CSV_COLUMNS)]
    for item in report.items:
        shown = item_as_json(item)
        rows.append([_csv_cell(shown[column]) for column in ITEM_CSV_COLUMNS])
    return rows
