"""Comparison tables (a feature column, then one column per subject) give three kinds of drafts.

For the course's "Key Differences" table (Feature | Virtual Machines | Containers): true/false
statements, one matching item per subject, and a choice item per row. Every distractor is the
other subject's cell of the same row, so it is wrong by construction of the table.
"""

from assessments.generators.types import DraftQuestion, SourceBlock

COMPARISON_COLUMNS = 3
# Two matching pairs are a coin toss; fewer rows than this give no matching item.
MATCHING_MINIMUM_ROWS = 3


def _rows(block: SourceBlock) -> tuple[list[str], list[list[str]]] | None:
    header = [str(cell).strip() for cell in block.payload.get("header", [])]
    rows = [[str(cell).strip() for cell in row] for row in block.payload.get("rows", [])]
    if len(header) != COMPARISON_COLUMNS or not rows:
        return None
    usable = [
        row for row in rows if len(row) == COMPARISON_COLUMNS and all(row) and row[1] != row[2]
    ]
    return header, usable


def _true_false(
    block: SourceBlock, feature: str, subject: str, value: str, truth: bool
) -> DraftQuestion:
    citation = block.citation
    return DraftQuestion(
        generator="table-tf",
        block=block,
        type="true_false",
        spec={
            "prompt": f"True or false? **{feature}** of {subject.lower()}: {value}.",
            "answer": truth,
            "feedback_true": "Right."
            if truth
            else f"No: that describes the other column of the table in {citation}.",
            "feedback_false": f"That is what the table in {citation} says." if truth else "Right.",
            "feedback": f"See the comparison table in {citation}.",
        },
        tags=("generated", "comparison-table"),
        difficulty=0.3,
    )


def _matching(
    block: SourceBlock, header: list[str], rows: list[list[str]], column: int
) -> DraftQuestion:
    subject, other = header[column], header[3 - column]
    return DraftQuestion(
        generator="table-match",
        block=block,
        type="matching",
        spec={
            "prompt": f"Match each feature to the way it is for **{subject.lower()}**.",
            "pairs": [{"left": row[0], "right": row[column]} for row in rows],
            "distractors": [row[3 - column] for row in rows],
            "feedback": f"The leftover choices describe {other.lower()}. See {block.citation}.",
        },
        tags=("generated", "comparison-table"),
        difficulty=0.5,
    )


def _choice(block: SourceBlock, header: list[str], row: list[str], column: int) -> DraftQuestion:
    subject, other = header[column], header[3 - column]
    return DraftQuestion(
        generator="table-choice",
        block=block,
        type="single_choice",
        spec={
            "prompt": f"Which describes **{row[0]}** for {subject.lower()}?",
            "options": [
                {"text": row[column], "correct": True, "feedback": "Right."},
                {
                    "text": row[3 - column],
                    "correct": False,
                    "feedback": f"That is true of {other.lower()}.",
                },
            ],
            "feedback": f"See the comparison table in {block.citation}.",
        },
        tags=("generated", "comparison-table"),
        difficulty=0.3,
    )


def drafts_from_comparison_table(block: SourceBlock) -> list[DraftQuestion]:
    parsed = _rows(block)
    if parsed is None:
        return []
    header, rows = parsed
    drafts: list[DraftQuestion] = []
    for row in rows:
        feature = row[0]
        drafts.append(_true_false(block, feature, header[2], row[2], truth=True))
        drafts.append(_true_false(block, feature, header[2], row[1], truth=False))
        drafts.append(_choice(block, header, row, column=2))
        drafts.append(_choice(block, header, row, column=1))
    if len(rows) >= MATCHING_MINIMUM_ROWS:
        drafts.append(_matching(block, header, rows, column=1))
        drafts.append(_matching(block, header, rows, column=2))
    return drafts
