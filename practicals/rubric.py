"""A practical task's rubric: the grader's `RubricItem` from the task file to the database row
and back, and the task's maximum points. The one home of both, for every channel.

`graders.tasks.load_task` parses the task file into `RubricItem`s; `rubric_rows` stores them in
`PracticalTaskVersion.rubric` (JSON) and `rubric_items` reads them back, so the loader, the
grader, the portal and the API all see the same typed items.
"""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from graders.data import RubricItem


def rubric_rows(items: Iterable[RubricItem]) -> list[dict[str, Any]]:
    """The JSON rows stored on a task version (whole points stay whole numbers)."""
    return [
        {
            "check": item.check_id,
            "points": int(item.points) if item.points == int(item.points) else item.points,
            "section": item.section_slug,
            "params": dict(item.params),
            "required": item.required,
        }
        for item in items
    ]


def rubric_items(rows: Sequence[Mapping[str, Any]]) -> tuple[RubricItem, ...]:
    """The items of stored rows. Versions loaded before required checks existed have none."""
    return tuple(
        RubricItem(
            check_id=str(row["check"]),
            points=float(row["points"]),
            section_slug=str(row["section"]),
            params=dict(row.get("params") or {}),
            required=bool(row.get("required", False)),
        )
        for row in rows
    )


def rubric_max_points(items: Iterable[RubricItem]) -> Decimal:
    """The most a submission can score: the sum of the items' points, in Decimal (points are
    stored with two decimal places, like scores, so the sum never drifts as floats do)."""
    return sum((Decimal(str(item.points)) for item in items), Decimal(0))
