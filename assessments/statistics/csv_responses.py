"""Read a response matrix from CSV: one line per attempt and item.

Columns (a header line names them, in any order, any case):
- `attempt`, `item`, `mark`, `max_mark`: required;
- `response`: the option chosen (empty when unanswered or unknown);
- `slot`: the place the item was drawn into, for tests that draw items at random;
- `learner`: whose attempt it is; with it, `first`, `last` and `best` attempts can be counted
  (a learner's attempts are numbered in the order they first appear in the file).
Other columns are ignored (and named in `ignored_columns`). Every error names the file and
line.
"""

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from assessments.statistics.matrix import AttemptInfo, MatrixError, ResponseMatrix

REQUIRED_COLUMNS = ("attempt", "item", "mark", "max_mark")
OPTIONAL_COLUMNS = ("response", "slot", "learner")
# A test of 100,000 attempts at 50 items; a bigger file is not a response matrix for one test.
MAX_ROWS = 5_000_000
# An identifier or a response longer than this is not one (csv's own limit is 128 KiB).
MAX_FIELD_CHARACTERS = 1000


class CsvResponsesError(ValueError):
    """A CSV that cannot be read as a response matrix; the message starts with file:line."""


@dataclass
class CsvResponses:
    matrix: ResponseMatrix
    attempts: dict[str, AttemptInfo] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def has_learners(self) -> bool:
        return bool(self.attempts)


def _number(text: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise MatrixError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise MatrixError(f"{column} {text!r} is not a finite number")
    return value


def _header(fields: list[str] | None, where: str) -> tuple[dict[str, int], list[str]]:
    if not fields:
        raise CsvResponsesError(f"{where}:1: the file is empty; expected a header line")
    # A byte-order mark (spreadsheets write one) is not part of the first name.
    names = [name.lstrip("\ufeff").strip().lower() for name in fields]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise CsvResponsesError(
            f"{where}:1: missing column(s) {', '.join(missing)}; "
            f"the header must name {', '.join(REQUIRED_COLUMNS)}"
        )
    duplicated = sorted({name for name in names if names.count(name) > 1 and name})
    if duplicated:
        raise CsvResponsesError(f"{where}:1: column(s) named twice: {', '.join(duplicated)}")
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    index = {name: position for position, name in enumerate(names) if name in known}
    return index, [name for name in names if name not in known]


def responses_read(lines: Iterable[str], *, source: str) -> CsvResponses:
    """Parse CSV text (an iterable of lines, e.g. an open file); raises CsvResponsesError."""
    reader = csv.reader(lines)
    try:
        columns, ignored = _header(next(reader, None), source)
        read = CsvResponses(matrix=ResponseMatrix(), ignored_columns=ignored)
        numbers: dict[str, int] = {}
        for row in reader:
            _row_add(read, row, columns, numbers, where=f"{source}:{reader.line_num}")
    except csv.Error as error:
        raise CsvResponsesError(f"{source}:{reader.line_num}: not valid CSV: {error}") from None
    if not len(read.matrix):
        raise CsvResponsesError(f"{source}: no responses after the header")
    return read


def _row_add(
    read: CsvResponses,
    row: list[str],
    columns: dict[str, int],
    numbers: dict[str, int],
    *,
    where: str,
) -> None:
    if not any(cell.strip() for cell in row):
        return
    if len(read.matrix) >= MAX_ROWS:
        raise CsvResponsesError(f"{where}: more than {MAX_ROWS} responses")
    if len(row) < len(columns) or len(row) <= max(columns.values()):
        raise CsvResponsesError(f"{where}: {len(row)} fields, fewer than the header's columns")

    def cell(name: str) -> str:
        position = columns.get(name)
        text = row[position].strip() if position is not None else ""
        if len(text) > MAX_FIELD_CHARACTERS:
            raise MatrixError(f"{name} is longer than {MAX_FIELD_CHARACTERS} characters")
        return text

    try:
        attempt, item = cell("attempt"), cell("item")
        if not attempt or not item:
            raise MatrixError("attempt and item must not be empty")
        read.matrix.add(
            attempt=attempt,
            item=item,
            mark=_number(cell("mark"), "mark"),
            max_mark=_number(cell("max_mark"), "max_mark"),
            response=cell("response") or None,
            slot=cell("slot") or None,
        )
        if "learner" in columns:
            _learner_note(read, attempt, cell("learner"), numbers)
    except MatrixError as error:
        raise CsvResponsesError(f"{where}: {error}") from None


def _learner_note(read: CsvResponses, attempt: str, learner: str, numbers: dict[str, int]) -> None:
    if not learner:
        raise MatrixError("learner is empty (with a learner column, every line names one)")
    held = read.attempts.get(attempt)
    if held is None:
        numbers[learner] = numbers.get(learner, 0) + 1
        read.attempts[attempt] = AttemptInfo(learner=learner, number=numbers[learner])
    elif held.learner != learner:
        raise MatrixError(f"attempt {attempt!r} belongs to {held.learner!r} on earlier lines")


def responses_read_text(text: str, *, source: str = "<text>") -> CsvResponses:
    return responses_read(io.StringIO(text), source=source)
