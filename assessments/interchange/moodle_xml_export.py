"""Writing questions as Moodle XML, refusing (ExportError) rather than losing anything.

Dockerfile questions have no Moodle equivalent and are refused; docker_command questions go
out as short answers tagged ``quayside-docker-command`` (see ``docker_marker``).
"""

import base64

# ElementTree only builds and serialises here; every parse goes through defusedxml.
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from assessments.interchange.categories import format_category_path
from assessments.interchange.docker_marker import mark_docker_command
from assessments.interchange.gift_text import format_number, format_percent
from assessments.interchange.model import (
    Answer,
    EmbeddedFile,
    ExportError,
    ExportProblem,
    FileArea,
    InterchangeCategory,
    InterchangeQuestion,
    QuestionType,
    TextFormat,
)

NOT_IN_MOODLE_XML = frozenset({QuestionType.DOCKERFILE})
MOODLE_TYPES = {
    QuestionType.SINGLE_CHOICE: "multichoice",
    QuestionType.MULTIPLE_RESPONSE: "multichoice",
    QuestionType.TRUE_FALSE: "truefalse",
    QuestionType.SHORT_TEXT: "shortanswer",
    QuestionType.NUMERIC: "numerical",
    QuestionType.MATCHING: "matching",
    QuestionType.ORDERING: "ordering",
    QuestionType.DESCRIPTION: "description",
}
FORMAT_NAMES = {
    TextFormat.HTML: "html",
    TextFormat.MOODLE: "moodle_auto_format",
    TextFormat.PLAIN: "plain_text",
    TextFormat.MARKDOWN: "markdown",
}
# Moodle's own defaults for settings our model does not hold.
MULTICHOICE_SETTINGS = (("shuffleanswers", "true"), ("answernumbering", "abc"))
ORDERING_SETTINGS = (
    ("layouttype", "VERTICAL"),
    ("selecttype", "ALL"),
    ("selectcount", "0"),
    ("gradingtype", "ABSOLUTE_POSITION"),
    ("showgrading", "SHOW"),
    ("numberingstyle", "none"),
)
NUMERIC_UNIT_SETTINGS = (
    ("unitgradingtype", "0"),
    ("unitpenalty", "0.1000000"),
    ("showunits", "3"),
    ("unitsleft", "0"),
)
INDENT = "  "


def find_moodle_xml_export_problems(
    questions: Iterable[InterchangeQuestion],
) -> tuple[ExportProblem, ...]:
    return tuple(
        ExportProblem(q.name, q.type, "Moodle has no equivalent question type")
        for q in questions
        if q.type in NOT_IN_MOODLE_XML
    )


def export_moodle_xml(
    questions: Iterable[InterchangeQuestion],
    categories: Iterable[InterchangeCategory] = (),
) -> bytes:
    """Write ``questions`` as a Moodle XML ``<quiz>``; raises ExportError if any cannot go.

    A category element precedes every change of category; ``categories`` supplies their
    descriptions and id numbers when known.
    """
    questions = tuple(questions)
    problems = find_moodle_xml_export_problems(questions)
    if problems:
        raise ExportError(problems)
    known = {category.path: category for category in categories}
    quiz = ET.Element("quiz")
    current: tuple[str, ...] | None = None
    for question in questions:
        if question.category != current:
            current = question.category
            _write_category(quiz, known.get(current, InterchangeCategory(current)))
        _write_question(quiz, mark_docker_command(question))
    ET.indent(quiz, space=INDENT)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True) + b"\n"


def _child(parent: ET.Element, tag: str, value: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if value is not None:
        element.text = value
    return element


def _text_element(
    parent: ET.Element,
    tag: str,
    text: str,
    text_format: TextFormat | None = None,
    files: Iterable[EmbeddedFile] = (),
) -> ET.Element:
    attributes = {} if text_format is None else {"format": FORMAT_NAMES[text_format]}
    element = _child(parent, tag, **attributes)
    _child(element, "text", text)
    for embedded in files:
        encoded = base64.b64encode(embedded.content).decode("ascii")
        _child(element, "file", encoded, name=embedded.name, path=embedded.path, encoding="base64")
    return element


def _files_for(
    question: InterchangeQuestion, area: FileArea, index: int | None = None
) -> list[EmbeddedFile]:
    return [f for f in question.files if f.area is area and f.index == index]


def _write_category(quiz: ET.Element, category: InterchangeCategory) -> None:
    element = _child(quiz, "question", type="category")
    _text_element(element, "category", format_category_path(category.path))
    _text_element(element, "info", category.description, category.description_format)
    _child(element, "idnumber", category.id_number)


def _write_question(quiz: ET.Element, question: InterchangeQuestion) -> None:
    element = _child(quiz, "question", type=MOODLE_TYPES[question.type])
    _text_element(element, "name", question.name)
    _text_element(
        element,
        "questiontext",
        question.text,
        question.text_format,
        _files_for(question, FileArea.QUESTION_TEXT),
    )
    _text_element(
        element,
        "generalfeedback",
        question.general_feedback,
        question.general_feedback_format,
        _files_for(question, FileArea.GENERAL_FEEDBACK),
    )
    _child(element, "defaultgrade", format_number(question.points))
    _child(element, "penalty", format_number(question.penalty))
    _child(element, "hidden", "0")
    _child(element, "idnumber", question.id_number)
    _write_type_settings(element, question)
    if question.tags:
        tags = _child(element, "tags")
        for tag in question.tags:
            _child(_child(tags, "tag"), "text", tag)


def _write_type_settings(element: ET.Element, question: InterchangeQuestion) -> None:
    if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE):
        single = "true" if question.type is QuestionType.SINGLE_CHOICE else "false"
        _child(element, "single", single)
        for tag, value in MULTICHOICE_SETTINGS:
            _child(element, tag, value)
    elif question.type is QuestionType.SHORT_TEXT:
        _child(element, "usecase", "1" if question.case_sensitive else "0")
    elif question.type is QuestionType.ORDERING:
        for tag, value in ORDERING_SETTINGS:
            _child(element, tag, value)
    elif question.type is QuestionType.MATCHING:
        _child(element, "shuffleanswers", "true")
        _write_pairs(element, question)
    for index, answer in enumerate(question.answers):
        _write_answer(element, question, index, answer)
    if question.type is QuestionType.NUMERIC:
        _write_units(element, question)


def _write_answer(
    element: ET.Element, question: InterchangeQuestion, index: int, answer: Answer
) -> None:
    # The ordering plugin reads each item's position from "fraction".
    fraction = (
        str(index + 1)
        if question.type is QuestionType.ORDERING
        else format_percent(answer.fraction)
    )
    answer_element = _text_element(
        element,
        "answer",
        answer.text,
        answer.text_format,
        _files_for(question, FileArea.ANSWER, index),
    )
    answer_element.set("fraction", fraction)
    _text_element(
        answer_element,
        "feedback",
        answer.feedback,
        answer.feedback_format,
        _files_for(question, FileArea.ANSWER_FEEDBACK, index),
    )
    if answer.tolerance is not None:
        _child(answer_element, "tolerance", format_number(answer.tolerance))


def _write_pairs(element: ET.Element, question: InterchangeQuestion) -> None:
    for index, pair in enumerate(question.pairs):
        sub = _text_element(
            element,
            "subquestion",
            pair.prompt,
            pair.prompt_format,
            _files_for(question, FileArea.SUBQUESTION, index),
        )
        _text_element(sub, "answer", pair.answer)


def _write_units(element: ET.Element, question: InterchangeQuestion) -> None:
    if question.units:
        units = _child(element, "units")
        for unit in question.units:
            unit_element = _child(units, "unit")
            _child(unit_element, "multiplier", format_number(unit.multiplier))
            _child(unit_element, "unit_name", unit.name)
    for tag, value in NUMERIC_UNIT_SETTINGS:
        _child(element, tag, value)
