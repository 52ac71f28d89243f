"""Moodle GIFT import (``parse_gift``) and export (``export_gift``, in ``gift_export``).

Follows Moodle's own reader (question/format/gift/format.php): blank lines separate
questions, ``//`` lines are comments (``// [id:...] [tag:...]`` carry the id number and tags),
``$CATEGORY:`` switches category, ``::title::`` names a question, text without braces is a
description, and text after the answer block makes a missing-word question whose text holds
``_____`` where the block was. Where Moodle silently guesses (an unclosed brace, a stray
``}``, a second answer block, text that is not a number) we report an error with its line.
"""

import math

from assessments.interchange.categories import parse_category_path
from assessments.interchange.gift_answers import AnswerBlock, parse_answer_block
from assessments.interchange.gift_export import export_gift, find_gift_export_problems
from assessments.interchange.gift_text import (
    CATEGORY_PREFIX,
    DEFAULT_FORMAT,
    GiftBlock,
    GiftSyntaxError,
    Segment,
    find_reserved_character,
    read_grading_weights,
    read_id_number_and_tags,
    restore_escapes,
    split_blocks,
    split_format,
    unprotect_escapes,
)
from assessments.interchange.model import (
    DEFAULT_PENALTY,
    DEFAULT_POINTS,
    DESCRIPTION_POINTS,
    MISSING_WORD_MARKER,
    TRUE_FALSE_PENALTY,
    ImportReport,
    InterchangeCategory,
    InterchangeQuestion,
    QuestionType,
)
from assessments.interchange.report_builder import ReportBuilder, default_question_name

__all__ = ["export_gift", "find_gift_export_problems", "parse_gift"]

TITLE_MARK = "::"
GENERAL_FEEDBACK_MARK = "####"
ESSAY = "essay"


def parse_gift(text: str) -> ImportReport:
    """Read a GIFT file. Never raises on bad input: problems come back in the report."""
    builder = ReportBuilder()
    reserved_line = find_reserved_character(text)
    if reserved_line is not None:
        builder.add_error(reserved_line, "the file contains a reserved Unicode noncharacter")
        return builder.build()
    category: tuple[str, ...] = ()
    for block in split_blocks(text.removeprefix("\ufeff")):
        try:
            category = _read_block(block, category, builder)
        except GiftSyntaxError as error:
            builder.add_error(error.line, error.message)
    return builder.build()


def _read_block(
    block: GiftBlock, category: tuple[str, ...], builder: ReportBuilder
) -> tuple[str, ...]:
    text = block.text
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if start >= end:
        return category
    if text.startswith(CATEGORY_PREFIX, start):
        return _read_category(block, start, end, builder)
    _read_question(block, start, end, category, builder)
    return category


def _read_category(
    block: GiftBlock, start: int, end: int, builder: ReportBuilder
) -> tuple[str, ...]:
    line_end = block.text.find("\n", start, end)
    line_end = end if line_end == -1 else line_end
    if block.text[line_end:end].strip():
        raise GiftSyntaxError(
            block.line_at(line_end + 1), "a $CATEGORY line must be followed by a blank line"
        )
    # Moodle takes the path raw; undo our escape protection so a backslash stays a backslash.
    raw = block.text[start + len(CATEGORY_PREFIX) : line_end]
    path = parse_category_path(unprotect_escapes(raw))
    builder.add_category(InterchangeCategory(path))
    return path


def _read_title(block: GiftBlock, start: int, end: int) -> tuple[str, int]:
    if not block.text.startswith(TITLE_MARK, start):
        return "", start
    close = block.text.find(TITLE_MARK, start + len(TITLE_MARK), end)
    if close == -1:
        raise GiftSyntaxError(block.line_at(start), "the '::' title is never closed")
    name = restore_escapes(block.text[start + len(TITLE_MARK) : close]).strip()
    return name, close + len(TITLE_MARK)


def _grading_weights(block: GiftBlock) -> tuple[float | None, float | None]:
    raw_points, raw_penalty = read_grading_weights(block.comments)
    return _weight(block, raw_points), _weight(block, raw_penalty)


def _weight(block: GiftBlock, raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise GiftSyntaxError(block.first_line, f"{raw!r} is not a valid points or penalty value")
    return value


def _find_answer_block(block: GiftBlock, start: int, end: int) -> tuple[int, int] | None:
    text = block.text
    opening, closing = text.find("{", start, end), text.find("}", start, end)
    if opening == -1 and closing == -1:
        return None
    if closing != -1 and (opening == -1 or closing < opening):
        raise GiftSyntaxError(block.line_at(closing), "'}' without a matching '{'")
    if closing == -1:
        raise GiftSyntaxError(
            block.line_at(opening), "'{' is never closed (write a literal brace as '\\{')"
        )
    nested = text.find("{", opening + 1, closing)
    if nested != -1:
        raise GiftSyntaxError(block.line_at(nested), "'{' inside an answer block")
    extra = min(
        (i for i in (text.find("{", closing, end), text.find("}", closing + 1, end)) if i != -1),
        default=-1,
    )
    if extra != -1:
        raise GiftSyntaxError(block.line_at(extra), "a question has only one answer block")
    return opening, closing


def _read_question(
    block: GiftBlock, start: int, end: int, category: tuple[str, ...], builder: ReportBuilder
) -> None:
    line = block.line_at(start)
    name, body_start = _read_title(block, start, end)
    id_number, tags = read_id_number_and_tags(block.comments)
    points, penalty = _grading_weights(block)
    braces = _find_answer_block(block, body_start, end)
    if braces is None:
        text, text_format = split_format(block.text[body_start:end], DEFAULT_FORMAT)
        builder.add_question(
            InterchangeQuestion(
                name=name or default_question_name(text, line),
                text=text,
                type=QuestionType.DESCRIPTION,
                text_format=text_format,
                points=DESCRIPTION_POINTS if points is None else points,
                penalty=DEFAULT_PENALTY if penalty is None else penalty,
                general_feedback_format=text_format,
                category=category,
                id_number=id_number,
                tags=tags,
            )
        )
        return
    opening, closing = braces
    before, after = block.text[body_start:opening], block.text[closing + 1 : end]
    raw_text = before + MISSING_WORD_MARKER + after if after.strip() else before
    text, text_format = split_format(raw_text, DEFAULT_FORMAT)
    name = name or default_question_name(text, line)
    answer_segment = Segment(block.text[opening + 1 : closing], opening + 1)
    feedback_at = answer_segment.text.rfind(GENERAL_FEEDBACK_MARK)
    general_raw = ""
    if feedback_at != -1:
        general_raw = answer_segment.text[feedback_at + len(GENERAL_FEEDBACK_MARK) :]
        answer_segment = Segment(answer_segment.text[:feedback_at], answer_segment.offset)
    if not answer_segment.text.strip():
        builder.add_unsupported(ESSAY, line, name)
        return
    general_feedback, general_format = split_format(general_raw, text_format)
    parsed = parse_answer_block(AnswerBlock(block, answer_segment, text_format))
    if penalty is None:
        penalty = TRUE_FALSE_PENALTY if parsed.type is QuestionType.TRUE_FALSE else DEFAULT_PENALTY
    builder.add_question(
        InterchangeQuestion(
            name=name,
            text=text,
            type=parsed.type,
            text_format=text_format,
            points=DEFAULT_POINTS if points is None else points,
            penalty=penalty,
            general_feedback=general_feedback,
            general_feedback_format=general_format,
            category=category,
            answers=parsed.answers,
            pairs=parsed.pairs,
            id_number=id_number,
            tags=tags,
        )
    )
