import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceBlock:
    """A content block as the generators see it (copied from courses.api values)."""

    key: str
    kind: str
    payload: dict[str, Any] = field(hash=False)
    section_id: int
    section_position: int
    section_title: str

    @property
    def citation(self) -> str:
        return f"Section {self.section_position}: {self.section_title}"


@dataclass(frozen=True)
class DraftQuestion:
    generator: str
    block: SourceBlock
    type: str
    spec: dict[str, Any] = field(hash=False)
    tags: tuple[str, ...] = ()
    difficulty: float = 0.4

    @property
    def dedupe_key(self) -> str:
        """Same generator, same block and same content give the same key, whatever the order."""
        canonical = json.dumps(
            {"generator": self.generator, "type": self.type, "spec": self.spec},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def key(self) -> str:
        return f"gen-s{self.block.section_position}-{self.generator}-{self.dedupe_key[:10]}"
