"""The input of the statistics: which attempt scored what on which item, and what is known of
the items and attempts besides their marks."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# A response to a choice item: the option chosen, the options chosen (multiple response), or
# None when the attempt left the item unanswered or the response is not known.
type Choice = str | tuple[str, ...] | None


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
    """

    attempts: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    item_max: list[float] = field(default_factory=list)
    row_attempt: list[int] = field(default_factory=list)
    row_item: list[int] = field(default_factory=list)
    row_mark: list[float] = field(default_factory=list)
    row_response: list[Choice] = field(default_factory=list)
    row_slot: list[str | None] = field(default_factory=list)
    _attempt_index: dict[str, int] = field(default_factory=dict)
    _item_index: dict[str, int] = field(default_factory=dict)
    _seen: set[tuple[int, int]] = field(default_factory=set)
    _seen_slots: set[tuple[int, str]] = field(default_factory=set)

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
        if not math.isfinite(mark) or not math.isfinite(max_mark):
            raise MatrixError("mark and max_mark must be finite numbers")
        if max_mark < 0:
            raise MatrixError(f"max_mark {max_mark:g} is negative")
        if not -max_mark <= mark <= max_mark:
            raise MatrixError(f"mark {mark:g} is outside -max_mark..max_mark ({max_mark:g})")
        item_index = self._item_index.get(item)
        if item_index is None:
            item_index = self._item_index[item] = len(self.items)
            self.items.append(item)
            self.item_max.append(max_mark)
        elif self.item_max[item_index] != max_mark:
            raise MatrixError(
                f"item {item!r} has max_mark {max_mark:g} here "
                f"but {self.item_max[item_index]:g} before"
            )
        attempt_index = self._attempt_index.get(attempt)
        if attempt_index is None:
            attempt_index = self._attempt_index[attempt] = len(self.attempts)
            self.attempts.append(attempt)
        if (attempt_index, item_index) in self._seen:
            raise MatrixError(f"attempt {attempt!r} has item {item!r} twice")
        self._seen.add((attempt_index, item_index))
        if slot is not None:
            if (attempt_index, slot) in self._seen_slots:
                raise MatrixError(f"attempt {attempt!r} has two items in slot {slot!r}")
            self._seen_slots.add((attempt_index, slot))
        self.row_attempt.append(attempt_index)
        self.row_item.append(item_index)
        self.row_mark.append(float(mark))
        self.row_response.append(response)
        self.row_slot.append(slot)

    def __len__(self) -> int:
        return len(self.row_mark)

    def attempt_totals(self) -> tuple[list[float], list[float]]:
        """Each attempt's total mark and its maximum total (the sum of its items' maxima)."""
        marks: list[list[float]] = [[] for _ in self.attempts]
        maxima: list[list[float]] = [[] for _ in self.attempts]
        for attempt_index, item_index, mark in zip(
            self.row_attempt, self.row_item, self.row_mark, strict=True
        ):
            marks[attempt_index].append(mark)
            maxima[attempt_index].append(self.item_max[item_index])
        return [math.fsum(m) for m in marks], [math.fsum(m) for m in maxima]


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
