"""The answer block of a GIFT question: ``{...}`` without its ``####general feedback``.

The type is decided the way Moodle decides it, in this order: ``>`` ordering (the ordering
plugin's syntax), ``#`` numeric, any ``~`` choice, ``=`` with ``->`` matching, a lone
T/TRUE/F/FALSE true/false, else ``=`` short answer.
"""

import re
from dataclasses import dataclass

from assessments.interchange.gift_text import (
    GiftBlock,
    GiftSyntaxError,
    Segment,
    format_number,
    restore_escapes,
    split_feedback,
    split_format,
    split_markers,
    split_weight,
)
from assessments.interchange.model import (
    CATCH_ALL_ANSWER,
    FULL_CREDIT,
    NO_CREDIT,
    Answer,
    MatchingPair,
    QuestionType,
    TextFormat,
)

TRUE_WORDS = frozenset({"T", "TRUE"})
FALSE_WORDS = frozenset({"F", "FALSE"})
MATCH_ARROW = "->"
RANGE_SEPARATOR = ".."
TOLERANCE_SEPARATOR = ":"
ORDERING_MARKER = ">"
NUMERIC_MARKER = "#"
# Moodle refuses choice and matching questions with fewer than two answers.
MIN_CHOICE_ANSWERS = 2
MIN_MATCHING_PAIRS = 2
MIN_ORDERING_ITEMS = 2
NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class ParsedAnswers:
    type: QuestionType
    answers: tuple[Answer, ...] = ()
    pairs: tuple[MatchingPair, ...] = ()


@dataclass(frozen=True)
class AnswerBlock:
    block: GiftBlock
    segment: Segment
    text_format: TextFormat

    def error(self, offset: int, message: str) -> GiftSyntaxError:
        return GiftSyntaxError(self.block.line_at(offset), message)

    @property
    def stripped(self) -> str:
        return self.segment.text.strip()


def parse_answer_block(answer_block: AnswerBlock) -> ParsedAnswers:
    text = answer_block.stripped
    if text.startswith(ORDERING_MARKER):
        return _parse_ordering(answer_block)
    if text.startswith(NUMERIC_MARKER):
        return _parse_numeric(answer_block)
    if "~" in text:
        return _parse_choice(answer_block)
    if "=" in text and MATCH_ARROW in text:
        return _parse_matching(answer_block)
    if text.partition("#")[0].strip() in TRUE_WORDS | FALSE_WORDS:
        return _parse_true_false(answer_block)
    if "=" in text:
        return _parse_short_text(answer_block)
    raise answer_block.error(
        answer_block.segment.offset, "unrecognised answer block: answers start with '=' or '~'"
    )


def _marked_segments(answer_block: AnswerBlock, markers: str) -> list[Segment]:
    segments = split_markers(answer_block.segment.text, answer_block.segment.offset, markers)
    if segments and segments[0].text[0] not in markers:
        raise answer_block.error(
            segments[0].offset, f"text before the first answer: answers start with {markers!r}"
        )
    return segments


def _feedback(raw: str, answer_block: AnswerBlock) -> tuple[str, TextFormat]:
    return split_format(raw, answer_block.text_format)


def _parse_choice(answer_block: AnswerBlock) -> ParsedAnswers:
    segments = _marked_segments(answer_block, "~=")
    answers: list[Answer] = []
    for segment in segments:
        rest = Segment(segment.text[1:], segment.offset + 1)
        # Like Moodle, "=" is always full credit; only "~" answers carry a %weight%.
        weight = FULL_CREDIT if segment.text[0] == "=" else NO_CREDIT
        if segment.text[0] == "~":
            read_weight, rest = split_weight(rest, answer_block.block)
            weight = NO_CREDIT if read_weight is None else read_weight
        option, feedback_raw = split_feedback(rest)
        text, text_format = split_format(option.text, answer_block.text_format)
        if not text:
            raise answer_block.error(segment.offset, "empty answer")
        feedback, feedback_format = _feedback(feedback_raw, answer_block)
        answers.append(Answer(text, weight, feedback, text_format, feedback_format))
    if len(answers) < MIN_CHOICE_ANSWERS:
        raise answer_block.error(answer_block.segment.offset, "a choice needs at least 2 answers")
    # Moodle's rule: an "=" answer makes the question single choice, else multiple response.
    single = any(segment.text[0] == "=" for segment in segments)
    kind = QuestionType.SINGLE_CHOICE if single else QuestionType.MULTIPLE_RESPONSE
    return ParsedAnswers(kind, answers=tuple(answers))


def _parse_short_text(answer_block: AnswerBlock) -> ParsedAnswers:
    answers: list[Answer] = []
    for segment in _marked_segments(answer_block, "="):
        weight, rest = split_weight(
            Segment(segment.text[1:], segment.offset + 1), answer_block.block
        )
        option, feedback_raw = split_feedback(rest)
        text, _ = split_format(option.text, answer_block.text_format)
        if not text:
            raise answer_block.error(segment.offset, "empty answer")
        feedback, feedback_format = _feedback(feedback_raw, answer_block)
        fraction = FULL_CREDIT if weight is None else weight
        answers.append(Answer(text, fraction, feedback, TextFormat.PLAIN, feedback_format))
    return ParsedAnswers(QuestionType.SHORT_TEXT, answers=tuple(answers))


def _parse_true_false(answer_block: AnswerBlock) -> ParsedAnswers:
    verdict, *feedbacks = answer_block.stripped.split("#", 2)
    wrong, wrong_format = _feedback(feedbacks[0] if feedbacks else "", answer_block)
    right, right_format = _feedback(feedbacks[1] if len(feedbacks) > 1 else "", answer_block)
    if verdict.strip() in TRUE_WORDS:
        true = Answer("true", FULL_CREDIT, right, feedback_format=right_format)
        false = Answer("false", NO_CREDIT, wrong, feedback_format=wrong_format)
    else:
        true = Answer("true", NO_CREDIT, wrong, feedback_format=wrong_format)
        false = Answer("false", FULL_CREDIT, right, feedback_format=right_format)
    return ParsedAnswers(QuestionType.TRUE_FALSE, answers=(true, false))


def _parse_matching(answer_block: AnswerBlock) -> ParsedAnswers:
    pairs: list[MatchingPair] = []
    for segment in _marked_segments(answer_block, "="):
        prompt_raw, arrow, answer_raw = segment.text[1:].partition(MATCH_ARROW)
        if not arrow:
            raise answer_block.error(segment.offset, "a matching pair needs 'prompt -> answer'")
        prompt, prompt_format = split_format(prompt_raw, answer_block.text_format)
        answer = restore_escapes(answer_raw).strip()
        if not answer:
            raise answer_block.error(segment.offset, "a matching pair needs an answer after '->'")
        pairs.append(MatchingPair(prompt, answer, prompt_format))
    if len(pairs) < MIN_MATCHING_PAIRS:
        raise answer_block.error(answer_block.segment.offset, "matching needs at least 2 pairs")
    return ParsedAnswers(QuestionType.MATCHING, pairs=tuple(pairs))


def _parse_ordering(answer_block: AnswerBlock) -> ParsedAnswers:
    # First line: the ordering plugin's settings (count, select/layout/grading type), which
    # are Moodle presentation choices; one item per following line.
    _settings, *lines = answer_block.stripped[len(ORDERING_MARKER) :].split("\n")
    answers = []
    for line in lines:
        text, text_format = split_format(line, answer_block.text_format)
        if text:
            answers.append(Answer(text, FULL_CREDIT, text_format=text_format))
    if len(answers) < MIN_ORDERING_ITEMS:
        raise answer_block.error(
            answer_block.segment.offset, "ordering needs at least 2 items, one per line"
        )
    return ParsedAnswers(QuestionType.ORDERING, answers=tuple(answers))


def _parse_numeric(answer_block: AnswerBlock) -> ParsedAnswers:
    raw = answer_block.segment.text
    start = raw.index(NUMERIC_MARKER) + 1
    body, tilde, wrong_raw = raw[start:].partition("~")
    body_segment = Segment(body, answer_block.segment.offset + start)
    segments = split_markers(body_segment.text, body_segment.offset, "=")
    if not segments:
        raise answer_block.error(answer_block.segment.offset, "numeric question without an answer")
    answers = [_numeric_answer(segment, answer_block) for segment in segments]
    if tilde:
        # "~#feedback": what a learner sees for any other number.
        feedback, feedback_format = _feedback(wrong_raw.partition("#")[2], answer_block)
        answers.append(
            Answer(CATCH_ALL_ANSWER, NO_CREDIT, feedback, TextFormat.PLAIN, feedback_format, 0.0)
        )
    return ParsedAnswers(QuestionType.NUMERIC, answers=tuple(answers))


def _numeric_answer(segment: Segment, answer_block: AnswerBlock) -> Answer:
    marked = segment.text.lstrip().startswith("=")
    skip = segment.text.index("=") + 1 if marked else 0
    weight, rest = split_weight(
        Segment(segment.text[skip:], segment.offset + skip), answer_block.block
    )
    value_segment, feedback_raw = split_feedback(rest)
    value_text = value_segment.text.strip()
    line_offset = value_segment.offset
    if value_text == CATCH_ALL_ANSWER:
        text, tolerance = CATCH_ALL_ANSWER, 0.0
    elif RANGE_SEPARATOR in value_text[1:]:
        low, _, high = value_text.partition(RANGE_SEPARATOR)
        minimum = _number(low, answer_block, line_offset)
        maximum = _number(high, answer_block, line_offset)
        middle = (minimum + maximum) / 2
        text, tolerance = format_number(middle), maximum - middle
    elif TOLERANCE_SEPARATOR in value_text[1:]:
        value, _, margin = value_text.partition(TOLERANCE_SEPARATOR)
        _number(value, answer_block, line_offset)
        text, tolerance = value.strip(), _number(margin, answer_block, line_offset)
    else:
        _number(value_text, answer_block, line_offset)
        text, tolerance = value_text, 0.0
    feedback, feedback_format = _feedback(feedback_raw, answer_block)
    fraction = FULL_CREDIT if weight is None else weight
    return Answer(text, fraction, feedback, TextFormat.PLAIN, feedback_format, tolerance)


def _number(raw: str, answer_block: AnswerBlock, offset: int) -> float:
    # A strict pattern rather than float() alone, which also accepts "nan" and "inf".
    if NUMBER.fullmatch(raw.strip()) is None:
        raise answer_block.error(offset, f"{raw.strip()!r} is not a number")
    return float(raw)
