"""The input of the statistics: which attempt scored what on which item, and what is known of
the items and attempts besides their marks."""

import gc
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NoReturn

# A response to a choice item: the option chosen, the options chosen (multiple response), or
# None when the attempt left the item unanswered or the response is not known.
type Choice = str | tuple[str, ...] | None
# (attempt, item) and (attempt, position) pairs are kept as one int: attempt << bits | other.
_KEY_BITS = 32
# A row as ResponseMatrix.add_rows takes it: attempt, item, mark, max_mark, response, slot.
type RowValues = tuple[str, str, float, float, Choice, str | None]


class MatrixError(ValueError):
    """A response that cannot be part of a response matrix; the message says why."""


class AttemptSelection(StrEnum):
    """Which attempts of each learner count, as Moodle's report lets the instructor choose."""

    FIRST = "first"
    LAST = "last"
    # Moodle's "highest graded": a learner's best total, the earliest of equal bests.
    BEST = "best"
    ALL = "all"


@dataclass(frozen=True)
class OptionInfo:
    """One option of a choice item and the credit (0 to 1) that choosing it gives."""

    option: str
    label: str
    fraction: float

    @property
    def is_distractor(self) -> bool:
        """A wrong option: choosing it earns nothing."""
        return self.fraction <= 0


@dataclass(frozen=True)
class ItemInfo:
    """What is known of an item besides its marks (from the question bank; none from a CSV)."""

    label: str = ""
    # Expected fraction (0 to 1) of a random guess; None where a guess has no defined score.
    random_guess_score: float | None = None
    # The options of a choice item, every one of them (also those nobody chose).
    options: tuple[OptionInfo, ...] | None = None
    question_type: str = ""


@dataclass(frozen=True)
class AttemptInfo:
    """Whose attempt it is and its number among that learner's attempts (1 = first)."""

    learner: str
    number: int


@dataclass(frozen=True)
class ResponseRow:
    """One line of a response matrix (the command line's CSV has these columns)."""

    attempt: str
    item: str
    mark: float
    max_mark: float
    response: Choice = None
    # The place in the test the item was drawn into; None when the item is a place of its own.
    slot: str | None = None


@dataclass
class ResponseMatrix:
    """Marks by attempt and item, stored by column (10^5 attempts x 21 items stay cheap).

    `add` refuses what would make the statistics meaningless: a mark that is not a finite
    number, a mark above the item's maximum (or below its negative), an item with two different
    maximum marks, an item or a slot twice in one attempt.

    Each row also has a *position*: the named slot its item was drawn into, or for a row
    without a slot the item itself (a test without random draws has one position per item).
    """

    attempts: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    item_max: list[float] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    row_attempt: list[int] = field(default_factory=list)
    row_item: list[int] = field(default_factory=list)
    row_mark: list[float] = field(default_factory=list)
    row_response: list[Choice] = field(default_factory=list)
    row_position: list[int] = field(default_factory=list)
    _attempt_index: dict[str, int] = field(default_factory=dict)
    _item_index: dict[str, int] = field(default_factory=dict)
    _position_index: dict[str, int] = field(default_factory=dict)
    _item_position: list[int] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set)
    _seen_slots: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, rows: Iterable[ResponseRow]) -> "ResponseMatrix":
        matrix = cls()
        for row in rows:
            matrix.add(
                attempt=row.attempt,
                item=row.item,
                mark=row.mark,
                max_mark=row.max_mark,
                response=row.response,
                slot=row.slot,
            )
        return matrix

    def _position(self, key: str) -> int:
        index = self._position_index.get(key)
        if index is None:
            index = self._position_index[key] = len(self.positions)
            self.positions.append(key)
        return index

    def add(
        self,
        *,
        attempt: str,
        item: str,
        mark: float,
        max_mark: float,
        response: Choice = None,
        slot: str | None = None,
    ) -> None:
        self.add_rows([(attempt, item, mark, max_mark, response, slot)])

    def add_rows(self, rows: Iterable[RowValues]) -> None:
        """Add (attempt, item, mark, max_mark, response, slot) rows; raises MatrixError at the
        first row that cannot be added (the rows before it stay added).

        The cyclic garbage collector is paused meanwhile: each row is a new tuple, and with
        10^6 rows alive its full passes made loading quadratic. Rows make no cycles."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._add_rows(rows)
        finally:
            if collecting:
                gc.enable()

    def _add_rows(self, rows: Iterable[RowValues]) -> None:
        attempt_index, item_index = self._attempt_index, self._item_index
        item_max, item_position = self.item_max, self._item_position
        seen, seen_slots = self._seen, self._seen_slots
        append_attempt, append_item = self.row_attempt.append, self.row_item.append
        append_mark, append_response = self.row_mark.append, self.row_response.append
        append_position = self.row_position.append
        isfinite = math.isfinite
        for attempt, item, mark, max_mark, response, slot in rows:
            if not (isfinite(mark) and isfinite(max_mark)) or not -max_mark <= mark <= max_mark:
                _mark_refused(mark, max_mark)
            i = item_index.get(item)
            if i is None:
                i = item_index[item] = len(self.items)
                self.items.append(item)
                item_max.append(max_mark)
                item_position.append(-1)
            elif item_max[i] != max_mark:
                raise MatrixError(
                    f"item {item!r} has max_mark {max_mark:g} here but {item_max[i]:g} before"
                )
            a = attempt_index.get(attempt)
            if a is None:
                a = attempt_index[attempt] = len(self.attempts)
                self.attempts.append(attempt)
            pair = a << _KEY_BITS | i  # an int, not a tuple: the collector never walks ints
            if pair in seen:
                raise MatrixError(f"attempt {attempt!r} has item {item!r} twice")
            if slot is None:
                position = item_position[i]
                if position < 0:
                    position = item_position[i] = self._position(f"item:{item}")
            else:
                position = self._position(f"slot:{slot}")
                placed = a << _KEY_BITS | position
                if placed in seen_slots:
                    raise MatrixError(f"attempt {attempt!r} has two items in slot {slot!r}")
                seen_slots.add(placed)
            seen.add(pair)
            append_attempt(a)
            append_item(i)
            append_mark(float(mark))
            append_response(response)
            append_position(position)

    def __len__(self) -> int:
        return len(self.row_mark)


def _mark_refused(mark: float, max_mark: float) -> NoReturn:
    if not (math.isfinite(mark) and math.isfinite(max_mark)):
        raise MatrixError("mark and max_mark must be finite numbers")
    if max_mark < 0:
        raise MatrixError(f"max_mark {max_mark:g} is negative")
    raise MatrixError(f"mark {mark:g} is outside -max_mark..max_mark ({max_mark:g})")


def attempts_select(
    *,
    attempts: Mapping[str, AttemptInfo],
    totals: Mapping[str, float],
    which: AttemptSelection,
) -> set[str]:
    """The attempts (of `totals`) that count. An attempt without an AttemptInfo is a learner's
    only attempt. Moodle's rules: first and last by number; best is the highest total, the
    lowest number among equal totals; all is every attempt."""
    if which == AttemptSelection.ALL:
        return set(totals)
    chosen: dict[str, tuple[str, AttemptInfo]] = {}
    for attempt in totals:
        info = attempts.get(attempt) or AttemptInfo(learner=f"attempt:{attempt}", number=1)
        held = chosen.get(info.learner)
        if held is None or _better(which, info, totals[attempt], held[1], totals[held[0]]):
            chosen[info.learner] = (attempt, info)
    return {attempt for attempt, _ in chosen.values()}


def _better(
    which: AttemptSelection, info: AttemptInfo, total: float, held: AttemptInfo, held_total: float
) -> bool:
    if which == AttemptSelection.FIRST:
        return info.number < held.number
    if which == AttemptSelection.LAST:
        return info.number > held.number
    return total > held_total or (total == held_total and info.number < held.number)
