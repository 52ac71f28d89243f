"""Item and test statistics as Moodle's quiz statistics report computes them.

Pure Python, no Django: the assessments app adapts attempts into a `ResponseMatrix`, the command
line reads one from CSV (`csv_responses`), and `statistics_compute` returns plain dataclasses that
`report_as_json` turns into JSON-safe values (never NaN or infinity: undefined is None).

Definitions follow Moodle's `core_question\\statistics\\questions\\calculator` and
`quiz_statistics\\calculator` (see docs/item-statistics.md for every formula and edge case).
"""

from assessments.statistics.matrix import (
    AttemptSelection,
    ItemInfo,
    OptionInfo,
    ResponseMatrix,
    ResponseRow,
    attempts_select,
)
from assessments.statistics.report import (
    ItemStatistics,
    OptionStatistics,
    StatisticsReport,
    TestStatistics,
    report_as_json,
    statistics_compute,
)

__all__ = [
    "AttemptSelection",
    "ItemInfo",
    "ItemStatistics",
    "OptionInfo",
    "OptionStatistics",
    "ResponseMatrix",
    "ResponseRow",
    "StatisticsReport",
    "TestStatistics",
    "attempts_select",
    "report_as_json",
    "statistics_compute",
]
