"""The instructors' CSV export of an assessment's attempts."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from assessments.models import Attempt

CSV_HEADER = (
    "learner_email",
    "learner_name",
    "attempt",
    "status",
    "started_at",
    "submitted_at",
    "finalised_by",
    "score",
    "max_score",
    "percent",
    "passed",
)
# A spreadsheet runs a cell that starts with one of these as a formula; names are user input.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | Decimal | datetime | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def attempts_csv_rows(attempts: Iterable[Attempt]) -> Iterator[list[str]]:
    yield list(CSV_HEADER)
    for attempt in attempts:
        yield [
            _cell(attempt.learner.email),
            _cell(attempt.learner.display_name),
            _cell(str(attempt.number)),
            _cell(attempt.status),
            _cell(attempt.started_at),
            _cell(attempt.submitted_at),
            _cell(attempt.finalised_by),
            _cell(attempt.score),
            _cell(attempt.max_score),
            _cell(attempt.percent),
            _cell(attempt.passed),
        ]
