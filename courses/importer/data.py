"""What the parser hands to the import service: plain frozen values, no Django models."""

from dataclasses import dataclass, field
from typing import Any

from courses.importer.mojibake import RepairReport


@dataclass(frozen=True)
class ParsedBlock:
    kind: str
    key: str
    position: int
    payload: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class ParsedSection:
    position: int
    slug: str
    title: str
    body_markdown: str
    blocks: tuple[ParsedBlock, ...]
    # Headings inside the body (plain text), used to map objectives to sections.
    subheadings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedObjective:
    position: int
    slug: str
    text: str
    # Slugs of the sections that teach it (see importer.objectives for the heuristic).
    section_slugs: tuple[str, ...]


@dataclass(frozen=True)
class ParsedModule:
    number: str
    title: str
    intro_markdown: str
    summary_markdown: str
    objectives: tuple[ParsedObjective, ...]
    sections: tuple[ParsedSection, ...]
    takeaways: tuple[str, ...]
    source_sha256: str
    repair: RepairReport
