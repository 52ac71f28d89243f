import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


def draft_dedupe_key(
    *, module_id: int, generator: str, question_type: str, spec: dict[str, Any]
) -> str:
    """The hash a generated draft is stored under (Question.dedupe_key, unique)."""
    canonical = json.dumps(
        {"module": module_id, "generator": generator, "type": question_type, "spec": spec},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class SourceBlock:
    """A content block as the generators see it (copied from courses.api values)."""

    key: str
    kind: str
    payload: dict[str, Any] = field(hash=False)
    section_id: int
    section_position: int
    section_title: str
    # The module the block belongs to: drafts are deduplicated within it, not across courses.
    module_id: int

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
        """Same generator and same content in the same module give the same key, whatever the
        order; another module (another course) with the same content gets drafts of its own."""
        return draft_dedupe_key(
            module_id=self.block.module_id,
            generator=self.generator,
            question_type=self.type,
            spec=self.spec,
        )

    @property
    def key(self) -> str:
        return f"gen-s{self.block.section_position}-{self.generator}-{self.dedupe_key[:10]}"
