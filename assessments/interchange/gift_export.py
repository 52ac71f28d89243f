"""Writing questions as GIFT, refusing (ExportError) rather than losing anything.

GIFT has no syntax for case sensitivity, numeric units or embedded files, so a question that
needs them is reported by ``find_gift_export_problems`` and makes ``export_gift`` raise: use
Moodle XML for those. Points and penalty other than Moodle's defaults go into the metadata
comment (``// [quayside-points:2] [quayside-penalty:0.5]``): Moodle ignores it, we read it
back. The format of an empty feedback is not written (there is nothing to render).
"""

from collections.abc import Iterable

from assessments.interchange.categories import format_category_path
from assessments.interchange.docker_marker import mark_docker_command
from assessments.interchange.gift_answers import (
    MATCH_ARROW,
    MIN_CHOICE_ANSWERS,
    MIN_MATCHING_PAIRS,
    MIN_ORDERING_ITEMS,
    NUMBER,
)
from assessments.interchange.gift_text import (
    CATEGORY_PREFIX,
    DEFAULT_FORMAT,
    escape_gift,
    format_number,
    format_percent,
    write_metadata,
)
from assessments.interchange.model import (
    CATCH_ALL_ANSWER,
    DEFAULT_PENALTY,
    DEFAULT_POINTS,
    DESCRIPTION_POINTS,
    FULL_CREDIT,
    MISSING_WORD_MARKER,
    NO_CREDIT,
    TRUE_FALSE_PENALTY,
    Answer,
    ExportError,
    ExportProblem,
    InterchangeQuestion,
    QuestionType,
    TextFormat,
)

INDENT = "\t"
NOT_IN_GIFT = frozenset({QuestionType.DOCKERFILE})
CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE})
TRUE_FALSE_TEXTS = ("true", "false")
# Moodle's ordering plugin header: show all items ("0 ALL"); one item per line follows.
ORDERING_HEADER = ">0 ALL"
MIN_ENTRIES = {
    QuestionType.SINGLE_CHOICE: MIN_CHOICE_ANSWERS,
    QuestionType.MULTIPLE_RESPONSE: MIN_CHOICE_ANSWERS,
    QuestionType.MATCHING: MIN_MATCHING_PAIRS,
    QuestionType.ORDERING: MIN_ORDERING_ITEMS,
    QuestionType.SHORT_TEXT: 1,
    QuestionType.DOCKER_COMMAND: 1,
    QuestionType.NUMERIC: 1,
}


def find_gift_export_problems(
    questions: Iterable[InterchangeQuestion],
) -> tuple[ExportProblem, ...]:
    return tuple(
        ExportProblem(question.name, question.type, message)
        for question in questions
        for message in _problems(question)
    )


def export_gift(questions: Iterable[InterchangeQuestion]) -> str:
    """Write ``questions`` as GIFT; raises ExportError listing everything GIFT cannot hold."""
    questions = tuple(questions)
    problems = find_gift_export_problems(questions)
    if problems:
        raise ExportError(problems)
    chunks: list[str] = []
    category: tuple[str, ...] | None = None
    for question in questions:
        if question.category != category:
            category = question.category
            # Moodle reads category paths raw: no GIFT escapes.
            chunks.append(f"{CATEGORY_PREFIX} {format_category_path(category)}\n")
        chunks.append(_write_question(mark_docker_command(question)))
    return "\n".join(chunks)


def _problems(question: InterchangeQuestion) -> list[str]:
    if question.type in NOT_IN_GIFT:
        return ["GIFT has no equivalent question type"]
    problems = []
    if question.files:
        problems.append("GIFT cannot carry embedded files")
    if question.case_sensitive:
        problems.append("GIFT cannot mark answers as case sensitive")
    if question.units:
        problems.append("GIFT cannot carry numeric units")
    if not question.name.strip():
        problems.append("a GIFT question needs a name")
    problems += _type_problems(question)
    return problems


def _type_problems(question: InterchangeQuestion) -> list[str]:
    answers = question.answers
    if question.type is QuestionType.SINGLE_CHOICE and FULL_CREDIT not in {
        a.fraction for a in answers
    }:
        return ["GIFT marks single choice by an answer worth 100%"]
    if question.type is QuestionType.TRUE_FALSE and (
        tuple(a.text for a in answers) != TRUE_FALSE_TEXTS
        or sorted(a.fraction for a in answers) != [NO_CREDIT, FULL_CREDIT]
    ):
        return ["true/false needs a 'true' and a 'false' answer, one of them right"]
    if question.type is QuestionType.NUMERIC and any(
        a.text == CATCH_ALL_ANSWER and (a is not answers[-1] or a.fraction != NO_CREDIT)
        for a in answers
    ):
        return ["GIFT's catch-all numeric answer must come last and give no credit"]
    if question.type is QuestionType.MATCHING and any(
        MATCH_ARROW in p.prompt for p in question.pairs
    ):
        return [f"a matching prompt cannot contain {MATCH_ARROW!r} in GIFT"]
    if question.type is QuestionType.DESCRIPTION and question.general_feedback:
        return ["GIFT descriptions cannot carry general feedback"]
    if question.type is QuestionType.NUMERIC and any(
        a.text != CATCH_ALL_ANSWER and NUMBER.fullmatch(a.text) is None for a in answers
    ):
        return ["numeric answers must be numbers"]
    minimum = MIN_ENTRIES.get(question.type, 0)
    if len(question.pairs if question.type is QuestionType.MATCHING else answers) < minimum:
        return [f"GIFT needs at least {minimum} answers for this type"]
    return []


def _default_points(question: InterchangeQuestion) -> float:
    return DESCRIPTION_POINTS if question.type is QuestionType.DESCRIPTION else DEFAULT_POINTS


def _default_penalty(question: InterchangeQuestion) -> float:
    return TRUE_FALSE_PENALTY if question.type is QuestionType.TRUE_FALSE else DEFAULT_PENALTY


def _formatted(text: str, text_format: TextFormat, default: TextFormat) -> str:
    prefix = "" if text_format is default else f"[{text_format.value}]"
    return prefix + escape_gift(text)


def _feedback(text: str, text_format: TextFormat, question: InterchangeQuestion) -> str:
    if not text:
        return ""
    return "#" + _formatted(text, text_format, question.text_format)


def _general_feedback(question: InterchangeQuestion) -> str:
    if not question.general_feedback:
        return ""
    formatted = _formatted(
        question.general_feedback, question.general_feedback_format, question.text_format
    )
    return f"{INDENT}####{formatted}\n"


def _write_question(question: InterchangeQuestion) -> str:
    points = None if question.points == _default_points(question) else question.points
    penalty = None if question.penalty == _default_penalty(question) else question.penalty
    header = write_metadata(question.id_number, question.tags, points, penalty)
    title = f"::{escape_gift(question.name)}::"
    if question.type is QuestionType.DESCRIPTION:
        return f"{header}{title}{_formatted(question.text, question.text_format, DEFAULT_FORMAT)}\n"
    block = "{" + _answer_lines(question) + _general_feedback(question) + "}"
    prefix = "" if question.text_format is DEFAULT_FORMAT else f"[{question.text_format.value}]"
    before, marker, after = question.text.partition(MISSING_WORD_MARKER)
    if marker and after and MISSING_WORD_MARKER not in after:
        body = f"{prefix}{escape_gift(before)}{block}{escape_gift(after)}"
    else:
        body = f"{prefix}{escape_gift(question.text)}{block}"
    return f"{header}{title}{body}\n"


def _answer_lines(question: InterchangeQuestion) -> str:
    if question.type is QuestionType.TRUE_FALSE:
        return _true_false(question)
    if question.type is QuestionType.MATCHING:
        lines = [
            f"={_formatted(p.prompt, p.prompt_format, question.text_format)} {MATCH_ARROW} "
            + escape_gift(p.answer)
            for p in question.pairs
        ]
        return _block_lines(lines)
    if question.type is QuestionType.ORDERING:
        items = [_formatted(a.text, a.text_format, question.text_format) for a in question.answers]
        return ORDERING_HEADER + _block_lines(items)
    if question.type is QuestionType.NUMERIC:
        return "#" + _block_lines([_numeric_line(a, question) for a in question.answers])
    if question.type in CHOICE_TYPES:
        return _block_lines([_choice_line(a, question) for a in question.answers])
    lines = [
        f"=%{format_percent(a.fraction)}%{escape_gift(a.text)}"
        + _feedback(a.feedback, a.feedback_format, question)
        for a in question.answers
    ]
    return _block_lines(lines)


def _block_lines(lines: list[str]) -> str:
    return "\n" + "".join(f"{INDENT}{line}\n" for line in lines)


def _choice_line(answer: Answer, question: InterchangeQuestion) -> str:
    if question.type is QuestionType.SINGLE_CHOICE and answer.fraction == FULL_CREDIT:
        marker = "="
    elif answer.fraction == NO_CREDIT and not answer.text.startswith("%"):
        marker = "~"
    else:
        marker = f"~%{format_percent(answer.fraction)}%"
    text = _formatted(answer.text, answer.text_format, question.text_format)
    return marker + text + _feedback(answer.feedback, answer.feedback_format, question)


def _numeric_line(answer: Answer, question: InterchangeQuestion) -> str:
    feedback = _feedback(answer.feedback, answer.feedback_format, question)
    if answer.text == CATCH_ALL_ANSWER:
        return "~" + (feedback or "#")
    tolerance = format_number(answer.tolerance or 0.0)
    return f"=%{format_percent(answer.fraction)}%{answer.text}:{tolerance}{feedback}"


def _true_false(question: InterchangeQuestion) -> str:
    true, false = question.answers
    right, wrong = (true, false) if true.fraction == FULL_CREDIT else (false, true)
    verdict = "TRUE" if right is true else "FALSE"
    right_text = _feedback(right.feedback, right.feedback_format, question)
    wrong_text = _feedback(wrong.feedback, wrong.feedback_format, question)
    if right_text:
        return f"{verdict}{wrong_text or '#'}{right_text}\n"
    return f"{verdict}{wrong_text}\n"
