"""Reading Moodle XML (``<quiz><question type="...">``) into interchange questions.

Embedded ``<file encoding="base64">`` elements are kept, attached to the question with the
text area they belong to. Moodle-only presentation settings (shuffling, numbering, unit
grading options) are not carried; combined feedback and hints, which are content, are
reported as notices when they are dropped.
"""

import binascii
import math
from base64 import b64decode
from collections.abc import Callable
from dataclasses import dataclass, replace

from assessments.interchange.categories import parse_category_path
from assessments.interchange.model import (
    DEFAULT_PENALTY,
    DEFAULT_POINTS,
    FULL_CREDIT,
    Answer,
    EmbeddedFile,
    FileArea,
    ImportReport,
    InterchangeCategory,
    InterchangeQuestion,
    MatchingPair,
    NumericUnit,
    QuestionType,
    TextFormat,
)
from assessments.interchange.moodle_xml_reader import XmlNode, XmlReadError, read_xml
from assessments.interchange.report_builder import ReportBuilder, default_question_name

ROOT_TAG = "quiz"
CATEGORY_TYPE = "category"
PERCENT = 100.0
FRACTION_DIGITS = 7
BASE64 = "base64"
TRUE_VALUES = frozenset({"1", "true"})
MOODLE_FORMATS = {
    "html": TextFormat.HTML,
    "moodle_auto_format": TextFormat.MOODLE,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}
DEFAULT_FORMAT = TextFormat.HTML
COMBINED_FEEDBACK = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")


class XmlQuestionError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class FormattedText:
    text: str
    text_format: TextFormat
    files: tuple[EmbeddedFile, ...]


def parse_moodle_xml(data: bytes) -> ImportReport:
    """Read a Moodle XML file. Never raises on bad input: problems come back in the report."""
    builder = ReportBuilder()
    try:
        root = read_xml(data)
    except XmlReadError as error:
        builder.add_error(error.line, error.message)
        return builder.build()
    if root.tag != ROOT_TAG:
        builder.add_error(root.line, f"expected a <{ROOT_TAG}> root element, found <{root.tag}>")
        return builder.build()
    category: tuple[str, ...] = ()
    for node in root.children_named("question"):
        try:
            category = _read_node(node, category, builder)
        except XmlQuestionError as error:
            builder.add_error(error.line, error.message)
    return builder.build()


def _read_node(node: XmlNode, category: tuple[str, ...], builder: ReportBuilder) -> tuple[str, ...]:
    type_name = node.attributes.get("type", "")
    if type_name == CATEGORY_TYPE:
        return _read_category(node, builder)
    reader = _READERS.get(type_name)
    if reader is None:
        builder.add_unsupported(type_name or "(no type)", node.line, _name(node))
        return category
    _notice_dropped_content(node, builder)
    builder.add_question(reader(node, category))
    return category


def _read_category(node: XmlNode, builder: ReportBuilder) -> tuple[str, ...]:
    holder = node.child("category")
    if holder is None:
        raise XmlQuestionError(node.line, "a category question needs a <category> element")
    path = parse_category_path(holder.text_value())
    info = _formatted(node.child("info"), FileArea.QUESTION_TEXT)
    id_number = node.child_value("idnumber")
    builder.add_category(InterchangeCategory(path, info.text, info.text_format, id_number))
    return path


def _notice_dropped_content(node: XmlNode, builder: ReportBuilder) -> None:
    dropped = [tag for tag in COMBINED_FEEDBACK if _has_text(node.child(tag))]
    if any(_has_text(hint) for hint in node.children_named("hint")):
        dropped.append("hint")
    if dropped:
        message = f"dropped Moodle-only content: {', '.join(dropped)}"
        builder.add_notice(node.line, _name(node), message)


def _has_text(node: XmlNode | None) -> bool:
    return node is not None and bool(node.text_value())


def _name(node: XmlNode) -> str:
    holder = node.child("name")
    return "" if holder is None else holder.text_value()


def _format(node: XmlNode) -> TextFormat:
    raw = node.attributes.get("format")
    if raw is None:
        return DEFAULT_FORMAT
    text_format = MOODLE_FORMATS.get(raw)
    if text_format is None:
        raise XmlQuestionError(node.line, f"unknown text format {raw!r}")
    return text_format


def _files(node: XmlNode, area: FileArea, index: int | None) -> tuple[EmbeddedFile, ...]:
    files = []
    for file_node in node.children_named("file"):
        if file_node.attributes.get("encoding", BASE64) != BASE64:
            raise XmlQuestionError(file_node.line, "embedded files must be base64 encoded")
        try:
            content = b64decode("".join(file_node.text.split()), validate=True)
        except binascii.Error:
            raise XmlQuestionError(file_node.line, "embedded file is not valid base64") from None
        name = file_node.attributes.get("name", "")
        if not name or "/" in name:
            raise XmlQuestionError(file_node.line, "embedded file needs a plain file name")
        path = file_node.attributes.get("path", "/")
        files.append(EmbeddedFile(name, content, area, path, index))
    return tuple(files)


def _formatted(node: XmlNode | None, area: FileArea, index: int | None = None) -> FormattedText:
    if node is None:
        return FormattedText("", DEFAULT_FORMAT, ())
    return FormattedText(node.text_value(), _format(node), _files(node, area, index))


def _finite(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def _number(node: XmlNode, tag: str, default: float) -> float:
    child = node.child(tag)
    raw = "" if child is None else child.text.strip()
    if child is None or not raw:
        return default
    try:
        return _finite(raw)
    except ValueError:
        raise XmlQuestionError(child.line, f"<{tag}> must be a number, not {raw!r}") from None


def _fraction(node: XmlNode) -> float:
    raw = node.attributes.get("fraction", "0")
    try:
        return round(_finite(raw) / PERCENT, FRACTION_DIGITS)
    except ValueError:
        raise XmlQuestionError(node.line, f"fraction must be a number, not {raw!r}") from None


def _answers(node: XmlNode, plain: bool) -> tuple[list[Answer], list[EmbeddedFile]]:
    answers, files = [], []
    for index, answer_node in enumerate(node.children_named("answer")):
        text = _formatted(answer_node, FileArea.ANSWER, index)
        feedback = _formatted(answer_node.child("feedback"), FileArea.ANSWER_FEEDBACK, index)
        tolerance = (
            _number(answer_node, "tolerance", 0.0) if answer_node.child("tolerance") else None
        )
        text_format = TextFormat.PLAIN if plain else text.text_format
        answers.append(
            Answer(
                text.text,
                _fraction(answer_node),
                feedback.text,
                text_format,
                feedback.text_format,
                tolerance,
            )
        )
        files += [*text.files, *feedback.files]
    return answers, files


def _base(
    node: XmlNode, category: tuple[str, ...], question_type: QuestionType, files: list[EmbeddedFile]
) -> InterchangeQuestion:
    text = _formatted(node.child("questiontext"), FileArea.QUESTION_TEXT)
    general = _formatted(node.child("generalfeedback"), FileArea.GENERAL_FEEDBACK)
    tags_node = node.child("tags")
    tags = (
        () if tags_node is None else tuple(t.text_value() for t in tags_node.children_named("tag"))
    )
    return InterchangeQuestion(
        name=_name(node) or default_question_name(text.text, node.line),
        text=text.text,
        type=question_type,
        text_format=text.text_format,
        points=_number(node, "defaultgrade", DEFAULT_POINTS),
        penalty=_number(node, "penalty", DEFAULT_PENALTY),
        general_feedback=general.text,
        general_feedback_format=general.text_format,
        category=category,
        id_number=node.child_value("idnumber"),
        tags=tuple(tag for tag in tags if tag),
        files=(*text.files, *general.files, *files),
    )


def _read_multichoice(node: XmlNode, category: tuple[str, ...]) -> InterchangeQuestion:
    single = node.child_value("single", "true").lower() in TRUE_VALUES
    kind = QuestionType.SINGLE_CHOICE if single else QuestionType.MULTIPLE_RESPONSE
    answers, files = _answers(node, plain=False)
    return replace(_base(node, category, kind, files), answers=tuple(answers))


def _read_truefalse(node: XmlNode, category: tuple[str, ...]) -> InterchangeQuestion:
    answers, files = _answers(node, plain=True)
    by_text = {answer.text.lower(): answer for answer in answers}
    if set(by_text) != {"true", "false"}:
        raise XmlQuestionError(
            node.line, "a true/false question needs a 'true' and a 'false' answer"
        )
    ordered = (by_text["true"], by_text["false"])
    question = _base(node, category, QuestionType.TRUE_FALSE, files)
    return replace(question, answers=tuple(replace(a, text=a.text.lower()) for a in ordered))


def _read_shortanswer(node: XmlNode, category: tuple[str, ...]) -> InterchangeQuestion:
    answers, files = _answers(node, plain=True)
    case_sensitive = node.child_value("usecase", "0").lower() in TRUE_VALUES
    question = _base(node, category, QuestionType.SHORT_TEXT, files)
    return replace(question, answers=tuple(answers), case_sensitive=case_sensitive)


def _read_numerical(node: XmlNode, category: tuple[str, ...]) -> InterchangeQuestion:
    answers, files = _answers(node, plain=True)
    answers = [a if a.tolerance is not None else replace(a, tolerance=0.0) for a in answers]
    units_node = node.child("units")
    units = (
        ()
        if units_node is None
        else tuple(
            NumericUnit(unit.child_value("unit_name"), _number(unit, "multiplier", 1.0))
            for unit in units_node.children_named("unit")
        )
    )
    question = _base(node, category, QuestionType.NUMERIC, files)
    return replace(question, answers=tuple(answers), units=units)


def _read_matching(node: XmlNode, category: tuple[str, ...]) -> InterchangeQuestion:
    pairs: list[MatchingPair] = []
    files: list[EmbeddedFile] = []
    for index, sub in enumerate(node.children_named("subquestion")):
        prompt = _formatted(sub, FileArea.SUBQUESTION, index)
        answer_node = sub.child("answer")
        answer = "" if answer_node is None else answer_node.text_value()
        pairs.append(MatchingPair(prompt.text, answer, prompt.text_format))
        files += prompt.files
    question = _base(node, category, QuestionType.MATCHING, files)
    return replace(question, pairs=tuple(pairs))


def _read_ordering(node: XmlNode, category: tuple[str, ...]) -> InterchangeQuestion:
    # The ordering plugin stores each item's correct position in its "fraction".
    positions = [_number_attribute(a, "fraction") for a in node.children_named("answer")]
    answers, files = _answers(node, plain=False)
    ordered = [answer for _, answer in sorted(zip(positions, answers, strict=True), key=_first)]
    items = tuple(replace(answer, fraction=FULL_CREDIT) for answer in ordered)
    return replace(_base(node, category, QuestionType.ORDERING, files), answers=items)


def _read_description(node: XmlNode, category: tuple[str, ...]) -> InterchangeQuestion:
    return _base(node, category, QuestionType.DESCRIPTION, [])


def _number_attribute(node: XmlNode, attribute: str) -> float:
    raw = node.attributes.get(attribute, "0")
    try:
        return _finite(raw)
    except ValueError:
        raise XmlQuestionError(node.line, f"{attribute} must be a number, not {raw!r}") from None


def _first(pair: tuple[float, Answer]) -> float:
    return pair[0]


_READERS: dict[str, Callable[[XmlNode, tuple[str, ...]], InterchangeQuestion]] = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "description": _read_description,
}
