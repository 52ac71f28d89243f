"""Two-column tables (a term, then what it means) give a matching item and a choice per row.

Technical courses of every kind explain flags, fields, commands or terms this way
(`| Field | Meaning |`, `| Command | What it does |`). A table is used only when its terms and
their meanings are all different, so every distractor (another row's meaning) is wrong by
construction of the table. Comparison tables (three columns) are tables.py's.
"""

from assessments.generators.types import DraftQuestion, SourceBlock

DEFINITION_COLUMNS = 2
# Fewer rows than this give no item: two pairs are a coin toss, and a choice needs distractors.
DEFINITION_MINIMUM_ROWS = 3
# A choice item offers the right meaning and at most this many others.
DEFINITION_DISTRACTORS = 3
TAGS = ("generated", "definition-table")


def _rows(block: SourceBlock) -> tuple[list[str], list[list[str]]] | None:
    header = [str(cell).strip() for cell in block.payload.get("header", [])]
    rows = [[str(cell).strip() for cell in row] for row in block.payload.get("rows", [])]
    if len(header) != DEFINITION_COLUMNS or not all(header):
        return None
    usable = [row for row in rows if len(row) == DEFINITION_COLUMNS and all(row)]
    terms = {row[0].casefold() for row in usable}
    meanings = {row[1].casefold() for row in usable}
    if len(usable) < DEFINITION_MINIMUM_ROWS or len(terms) != len(usable):
        return None
    if len(meanings) != len(usable):
        return None
    return header, usable


def _matching(block: SourceBlock, header: list[str], rows: list[list[str]]) -> DraftQuestion:
    term, meaning = header
    return DraftQuestion(
        generator="definition-match",
        block=block,
        type="matching",
        spec={
            "prompt": f"Match each **{term.lower()}** to its {meaning.lower()}.",
            "pairs": [{"left": row[0], "right": row[1]} for row in rows],
            "feedback": f"See the table in {block.citation}.",
        },
        tags=TAGS,
        difficulty=0.4,
    )


def _choice(
    block: SourceBlock, header: list[str], rows: list[list[str]], index: int
) -> DraftQuestion:
    meaning = header[1]
    row = rows[index]
    # The next rows of the table, cyclically: a fixed choice, so a re-run gives the same draft.
    others = [rows[(index + step) % len(rows)] for step in range(1, len(rows))]
    distractors = others[:DEFINITION_DISTRACTORS]
    return DraftQuestion(
        generator="definition-choice",
        block=block,
        type="single_choice",
        spec={
            "prompt": f"Which is the {meaning.lower()} of **{row[0]}**?",
            "options": [
                {"text": row[1], "correct": True, "feedback": "Right."},
                *(
                    {
                        "text": other[1],
                        "correct": False,
                        "feedback": f"That is the {meaning.lower()} of {other[0]}.",
                    }
                    for other in distractors
                ),
            ],
            "feedback": f"See the table in {block.citation}.",
        },
        tags=TAGS,
        difficulty=0.3,
    )


def drafts_from_definition_table(block: SourceBlock) -> list[DraftQuestion]:
    parsed = _rows(block)
    if parsed is None:
        return []
    header, rows = parsed
    return [
        _matching(block, header, rows),
        *(_choice(block, header, rows, index) for index in range(len(rows))),
    ]
