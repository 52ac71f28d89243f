"""Draft questions generated from a section's structured content blocks, without a language model.

Each generator takes plain block values and returns DraftQuestion values; the drafts service
stores them for review. Every wrong option a generator offers is checked to be wrong: comparison
table distractors come from the other column of the same row, definition table distractors are
other rows' meanings (all different), Dockerfile options are run through the
Dockerfile rules, command options through the Docker CLI parser.
"""

from collections.abc import Iterable

from assessments.generators.commands import drafts_from_commands
from assessments.generators.definitions import drafts_from_definition_table
from assessments.generators.pairs import drafts_from_bad_good_pair
from assessments.generators.tables import drafts_from_comparison_table
from assessments.generators.types import DraftQuestion, SourceBlock

__all__ = ["DraftQuestion", "SourceBlock", "drafts_from_blocks"]


def drafts_from_blocks(blocks: Iterable[SourceBlock]) -> list[DraftQuestion]:
    """Every draft the blocks of one or more sections give, in block order."""
    blocks = list(blocks)
    drafts: list[DraftQuestion] = []
    for block in blocks:
        if block.kind == "table":
            drafts.extend(drafts_from_comparison_table(block))
            drafts.extend(drafts_from_definition_table(block))
        elif block.kind == "bad_good_pair":
            drafts.extend(drafts_from_bad_good_pair(block))
    drafts.extend(drafts_from_commands([block for block in blocks if block.kind == "command"]))
    return drafts
