"""What a sync changed (or, in a dry run, would change), per kind of content."""

from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "course",
    "modules",
    "questions",
    "drafts",
    "assessments",
    "tasks",
    "certification programs",
    "staff",
)
CREATED = "created"
NEW_VERSION = "new version"
UPDATED = "updated"
UNCHANGED = "unchanged"
RETIRED = "retired"
ACTIONS = (CREATED, NEW_VERSION, UPDATED, UNCHANGED, RETIRED)


@dataclass
class SyncDiff:
    """{kind: {action: [names]}}; empty lists are left out so the JSON stays small."""

    entries: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def add(self, kind: str, action: str, names: list[str] | tuple[str, ...]) -> None:
        if kind not in KINDS or action not in ACTIONS:
            raise ValueError(f"unknown diff entry {kind!r} / {action!r}")
        if names:
            self.entries.setdefault(kind, {}).setdefault(action, []).extend(names)

    @property
    def changed(self) -> bool:
        """False for an empty diff: every item unchanged (a repeated sync)."""
        return any(
            names
            for actions in self.entries.values()
            for action, names in actions.items()
            if action != UNCHANGED
        )

    def count(self, kind: str, action: str) -> int:
        return len(self.entries.get(kind, {}).get(action, []))

    def names(self, kind: str, action: str) -> list[str]:
        return list(self.entries.get(kind, {}).get(action, []))

    def as_json(self) -> dict[str, Any]:
        return {kind: dict(actions) for kind, actions in self.entries.items()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "SyncDiff":
        return cls(
            {kind: {a: list(n) for a, n in actions.items()} for kind, actions in raw.items()}
        )

    def rows(self) -> list[tuple[str, dict[str, list[str]]]]:
        """(kind, {action: names}) in the order of KINDS, every action present."""
        return [
            (kind, {action: self.names(kind, action) for action in ACTIONS})
            for kind in KINDS
            if kind in self.entries
        ]

    def report_lines(self) -> list[str]:
        """One line per kind with its counts; the changed names below; then the verdict."""
        lines = []
        for kind, actions in self.rows():
            counts = ", ".join(
                f"{len(names)} {action}" for action, names in actions.items() if names
            )
            lines.append(f"{kind}: {counts}")
            for action, names in actions.items():
                if names and action != UNCHANGED:
                    lines.append(f"  {action}: {', '.join(names)}")
        lines.append("changes: " + ("yes" if self.changed else "none"))
        return lines
