"""Shapes shared by the Markdown parser and the models, so the parser needs no Django models."""

from enum import StrEnum

SLUG_MAX_LENGTH = 120
TITLE_MAX_LENGTH = 200


class BlockKind(StrEnum):
    CODE = "code"
    TABLE = "table"
    BAD_GOOD_PAIR = "bad_good_pair"
    COMMAND = "command"
    DIAGRAM = "diagram"
