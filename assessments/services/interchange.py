"""Moves questions between the bank and Moodle GIFT / Moodle XML files.

The parsers and writers in assessments.interchange know nothing of the database; this module maps
their dataclasses to question specs (docs/question-format.md) and back, and writes the bank.
An import is all-or-nothing: a file with errors writes no question.
"""

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from assessments.interchange import gift, moodle_xml
from assessments.interchange.model import (
    Answer,
    ExportError,
    ExportProblem,
    ImportNotice,
    ImportReport,
    InterchangeQuestion,
    MatchingPair,
    NumericUnit,
    ParseError,
    QuestionType,
    TextFormat,
    UnsupportedQuestion,
)
from assessments.models import Provenance, Question, QuestionStatus, QuestionVersion
from assessments.services.questions import QuestionContent, QuestionSpecError, question_create
from courses import api as courses_api

FORMAT_GIFT = "gift"
FORMAT_MOODLE_XML = "moodle_xml"
CATEGORY_TO_SECTION = "section"
CATEGORY_TO_TAG = "tag"
# Our bank has no "description" type: Moodle's text-only items carry no answer to grade.
_NOT_IN_BANK = frozenset({QuestionType.DESCRIPTION})
_MOODLE_WILDCARD = "*"


@dataclass
class ImportOutcome:
    created: list[str] = field(default_factory=list)
    unsupported: list[UnsupportedQuestion] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    notices: list[ImportNotice] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# Markdown would otherwise read these characters of imported text as markup.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
_INLINE_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "kbd": "`"}
_BLOCK_TAGS = frozenset({"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table"})


class _MarkdownWriter(HTMLParser):
    """Writes the (already sanitised) HTML of an imported text as Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str] = []
        self._verbatim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _INLINE_MARKS:
            self.parts.append(_INLINE_MARKS[tag])
            self._verbatim += _INLINE_MARKS[tag] == "`"
        elif tag == "pre":
            self.parts.append("\n\n```\n")
            self._verbatim += 1
        elif tag == "br":
            self.parts.append("  \n")
        elif tag == "a":
            self._links.append(attributes.get("href") or "")
            self.parts.append("[")
        elif tag == "img":
            self.parts.append(f"![{attributes.get('alt') or ''}]({attributes.get('src') or ''})")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS or tag in ("ul", "ol"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE_MARKS:
            self.parts.append(_INLINE_MARKS[tag])
            self._verbatim -= _INLINE_MARKS[tag] == "`"
        elif tag == "pre":
            self.parts.append("\n```\n\n")
            self._verbatim -= 1
        elif tag == "a" and self._links:
            self.parts.append(f"]({self._links.pop()})")
        elif tag in _BLOCK_TAGS or tag in ("ul", "ol"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self._verbatim > 0 else _MARKDOWN_SPECIAL.sub(r"\\\1", data))


def markdown_from_imported(text: str, text_format: TextFormat) -> str:
    """Imported text as Markdown, the format of every question spec.

    The parsers have sanitised HTML already; our Markdown renderer escapes raw HTML, so without
    this a learner would read `<p>` and `<b>` literally.
    """
    if text_format in (TextFormat.MARKDOWN, TextFormat.PLAIN) or not text.strip():
        return text
    if text_format == TextFormat.MOODLE:
        # Moodle's auto format turns each newline into a line break.
        text = text.replace("\r\n", "\n").replace("\n", "<br>")
    writer = _MarkdownWriter()
    writer.feed(text)
    writer.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(writer.parts)).strip()


def _feedback_of(answer: Answer) -> str:
    return markdown_from_imported(answer.feedback, answer.feedback_format)


def _option_text(answer: Answer) -> str:
    return markdown_from_imported(answer.text, answer.text_format)


def _short_text_answer(answer: Answer) -> dict[str, Any]:
    entry: dict[str, Any] = {"fraction": answer.fraction, "feedback": _feedback_of(answer)}
    if _MOODLE_WILDCARD in answer.text:
        # Moodle's * matches any run of characters; our short text speaks regular expressions.
        parts = [re.escape(part) for part in answer.text.split(_MOODLE_WILDCARD)]
        entry["regex"] = ".*".join(parts)
    else:
        entry["text"] = answer.text
    return entry


def spec_from_interchange(question: InterchangeQuestion) -> tuple[str, dict[str, Any]]:
    """Map one imported question to (type, spec); raises ValueError for what we cannot hold.

    Every text becomes Markdown (see `markdown_from_imported`), except accepted answers, which
    are plain text in every format.
    """
    spec: dict[str, Any] = {
        "prompt": markdown_from_imported(question.text, question.text_format),
        "feedback": markdown_from_imported(
            question.general_feedback, question.general_feedback_format
        ),
    }
    kind = question.type
    if kind == QuestionType.SINGLE_CHOICE:
        best = max(answer.fraction for answer in question.answers)
        spec["options"] = [
            {
                "text": _option_text(a),
                "correct": a.fraction == best and best > 0,
                "feedback": _feedback_of(a),
            }
            for a in question.answers
        ]
    elif kind == QuestionType.MULTIPLE_RESPONSE:
        spec["options"] = [
            {"text": _option_text(a), "correct": a.fraction > 0, "feedback": _feedback_of(a)}
            for a in question.answers
        ]
        spec["penalty"] = any(a.fraction < 0 for a in question.answers)
    elif kind == QuestionType.TRUE_FALSE:
        true_answer, false_answer = question.answers
        spec["answer"] = true_answer.fraction >= false_answer.fraction
        spec["feedback_true"] = _feedback_of(true_answer)
        spec["feedback_false"] = _feedback_of(false_answer)
    elif kind == QuestionType.SHORT_TEXT:
        spec["answers"] = [
            _short_text_answer(a) for a in question.answers if a.text != _MOODLE_WILDCARD
        ]
        spec["case_sensitive"] = question.case_sensitive
    elif kind == QuestionType.DOCKER_COMMAND:
        spec["answers"] = [
            {"command": a.text, "fraction": a.fraction, "feedback": _feedback_of(a)}
            for a in question.answers
        ]
    elif kind == QuestionType.NUMERIC:
        spec["answers"] = [
            {
                "value": float(a.text),
                "tolerance": a.tolerance or 0,
                "fraction": a.fraction,
                "feedback": _feedback_of(a),
            }
            for a in question.answers
            if a.text != _MOODLE_WILDCARD
        ]
        if question.units:
            spec["unit"] = question.units[0].name
    elif kind == QuestionType.MATCHING:
        spec["pairs"] = [
            {"left": markdown_from_imported(p.prompt, p.prompt_format), "right": p.answer}
            for p in question.pairs
            if p.prompt
        ]
        distractors = [p.answer for p in question.pairs if not p.prompt]
        if distractors:
            spec["distractors"] = distractors
    elif kind == QuestionType.ORDERING:
        spec["items"] = [_option_text(answer) for answer in question.answers]
    elif kind == QuestionType.DOCKERFILE:
        raise ValueError("Dockerfile questions travel only in Quayside's own format")
    else:
        raise ValueError(f"{kind} questions have no place in the question bank")
    return str(kind), spec


def _unexportable(version: QuestionVersion) -> list[str]:
    """What of a spec neither GIFT nor Moodle XML can carry, so exporting would lose it."""
    spec = version.spec
    problems = []
    if spec.get("parameters"):
        problems.append("parameterised variants cannot be exported")
    if spec.get("shuffle") is False:
        problems.append("a fixed option order (shuffle: false) cannot be exported")
    if any("regex" in entry for entry in spec.get("answers", [])):
        problems.append("regular-expression answers cannot be exported")
    return problems


def interchange_from_version(
    *, question: Question, version: QuestionVersion
) -> InterchangeQuestion:
    """The current content as an interchange question; `_unexportable` lists what it loses."""
    spec = version.spec
    base: dict[str, Any] = {
        "name": question.key,
        "text": str(spec.get("prompt", "")),
        "text_format": TextFormat.MARKDOWN,
        "general_feedback": str(spec.get("feedback", "")),
        "general_feedback_format": TextFormat.MARKDOWN,
        "points": float(version.points),
        "category": (question.section.title,),
        "id_number": question.key,
        "tags": tuple(tag.name for tag in question.tags.all()),
    }
    kind = QuestionType(version.type)
    answers: list[Answer] = []
    pairs: list[MatchingPair] = []
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE):
        options = spec["options"]
        right = sum(1 for option in options if option["correct"]) or 1
        wrong = sum(1 for option in options if not option["correct"]) or 1
        for option in options:
            if kind == QuestionType.SINGLE_CHOICE:
                fraction = 1.0 if option["correct"] else 0.0
            elif option["correct"]:
                fraction = 1 / right
            else:
                fraction = -1 / wrong if spec.get("penalty", True) else 0.0
            answers.append(
                _markdown_answer(option["text"], fraction, option, text_format=TextFormat.MARKDOWN)
            )
    elif kind == QuestionType.TRUE_FALSE:
        truth = bool(spec["answer"])
        answers = [
            _markdown_answer(
                "true", 1.0 if truth else 0.0, {"feedback": spec.get("feedback_true")}
            ),
            _markdown_answer(
                "false", 0.0 if truth else 1.0, {"feedback": spec.get("feedback_false")}
            ),
        ]
    elif kind in (QuestionType.SHORT_TEXT, QuestionType.DOCKER_COMMAND):
        answers = [
            _markdown_answer(entry.get("command") or entry["text"], entry.get("fraction", 1), entry)
            for entry in spec["answers"]
            if "regex" not in entry
        ]
        base["case_sensitive"] = bool(spec.get("case_sensitive", False))
    elif kind == QuestionType.NUMERIC:
        answers = [
            replace(
                _markdown_answer(str(entry["value"]), entry.get("fraction", 1), entry),
                tolerance=float(entry.get("tolerance", 0)),
            )
            for entry in spec["answers"]
        ]
        if spec.get("unit"):
            base["units"] = (NumericUnit(name=str(spec["unit"])),)
    elif kind == QuestionType.MATCHING:
        pairs = [
            MatchingPair(prompt=p["left"], answer=p["right"], prompt_format=TextFormat.MARKDOWN)
            for p in spec["pairs"]
        ]
        pairs += [MatchingPair(prompt="", answer=d) for d in spec.get("distractors", [])]
    elif kind == QuestionType.ORDERING:
        answers = [
            Answer(text=item, fraction=1.0, text_format=TextFormat.MARKDOWN)
            for item in spec["items"]
        ]
    return InterchangeQuestion(type=kind, answers=tuple(answers), pairs=tuple(pairs), **base)


def _markdown_answer(
    text: str,
    fraction: float,
    entry: dict[str, Any],
    *,
    text_format: TextFormat = TextFormat.PLAIN,
) -> Answer:
    return Answer(
        text=text,
        fraction=float(fraction),
        feedback=str(entry.get("feedback") or ""),
        text_format=text_format,
        feedback_format=TextFormat.MARKDOWN,
    )


def _report_read(*, data: bytes, file_format: str) -> ImportReport:
    if file_format == FORMAT_GIFT:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return ImportReport(
                errors=(ParseError(line=1, message=f"the file is not UTF-8 text: {error}"),)
            )
        return gift.parse_gift(text)
    return moodle_xml.parse_moodle_xml(data)


def _section_for(
    category: Sequence[str],
    *,
    mapping: str,
    default_section_id: int,
    sections_by_title: dict[str, int],
) -> int:
    if mapping == CATEGORY_TO_SECTION:
        for name in reversed(category):
            section_id = sections_by_title.get(slugify(name))
            if section_id is not None:
                return section_id
    return default_section_id


def _with_citation(feedback: str, citation: str) -> str:
    """Feedback in the bank sends the learner back to the course; imported files do not know it."""
    if not citation or re.search(r"\bSection \d+\b", feedback):
        return feedback
    return f"{feedback}\n\nSee {citation}.".strip()


def _unique_key(name: str, file_name: str, position: int, taken: set[str]) -> str:
    stem = slugify(name)[:60] or "question"
    digest = hashlib.sha256(f"{file_name}:{position}:{name}".encode()).hexdigest()[:8]
    key = f"imported-{stem}-{digest}"
    while key in taken:
        key = f"{key}-x"
    taken.add(key)
    return key


@transaction.atomic
def questions_import(
    *,
    data: bytes,
    file_name: str,
    file_format: str,
    default_section_id: int,
    category_mapping: str,
    author: User | None,
) -> ImportOutcome:
    """Import every supported question of a file as a draft, or nothing when the file has errors.

    Unsupported questions are listed by type name and position in the outcome, never dropped in
    silence. Imported HTML has been sanitised by the parsers.
    """
    report = _report_read(data=data, file_format=file_format)
    outcome = ImportOutcome(
        unsupported=list(report.unsupported),
        errors=list(report.errors),
        notices=list(report.notices),
        categories=["/".join(category.path) for category in report.categories],
    )
    if not report.ok:
        return outcome
    citations = courses_api.section_citations()
    # Categories choose among the sections of the default section's module only: the importer
    # chose that module (a course it teaches), so no category reaches into another course.
    default_module_id = courses_api.section_get(section_id=default_section_id).module_id
    sections_by_title = {
        slugify(section.title): section.id
        for section in courses_api.section_list_for_module(module_id=default_module_id)
    }
    taken = set(Question.objects.values_list("key", flat=True))
    for position, item in enumerate(report.questions, start=1):
        if item.type in _NOT_IN_BANK:
            outcome.unsupported.append(
                UnsupportedQuestion(type_name=str(item.type), line=position, name=item.name)
            )
            continue
        try:
            kind, spec = spec_from_interchange(item)
            section_id = _section_for(
                item.category,
                mapping=category_mapping,
                default_section_id=default_section_id,
                sections_by_title=sections_by_title,
            )
            spec["feedback"] = _with_citation(spec["feedback"], citations.get(section_id, ""))
            content = QuestionContent(type=kind, spec=spec, points=item.points or 1.0)
            tags: Iterable[str] = list(item.tags)
            if category_mapping == CATEGORY_TO_TAG:
                tags = [*tags, *(slugify(name) for name in item.category if name and name != "top")]
            key = _unique_key(item.name, file_name, position, taken)
            question_create(
                key=key,
                section_id=section_id,
                content=content,
                provenance=Provenance.IMPORTED,
                status=QuestionStatus.DRAFT,
                tags=[slugify(tag)[:64] for tag in tags if slugify(tag)],
                provenance_detail={"file": file_name, "position": position, "name": item.name},
                author=author,
            )
        except (ValueError, QuestionSpecError) as error:
            outcome.errors.append(ParseError(line=position, message=f"{item.name}: {error}"))
            continue
        outcome.created.append(key)
    if outcome.errors:
        transaction.set_rollback(True)
        outcome.created = []
    return outcome


def questions_export(*, questions: Iterable[Question], file_format: str) -> bytes:
    """Write each question's current version; raises ExportError for what a format cannot hold.

    Problems of our own specs (parameters, regular expressions, fixed order) and the format's
    own limits are reported together, so one attempt lists everything to fix.
    """
    items = []
    problems: list[ExportProblem] = []
    for question in questions:
        version = question.current_version
        assert version is not None
        item = interchange_from_version(question=question, version=version)
        problems += [
            ExportProblem(name=item.name, type=item.type, message=message)
            for message in _unexportable(version)
        ]
        items.append(item)
    if file_format == FORMAT_GIFT:
        problems += gift.find_gift_export_problems(items)
    else:
        problems += moodle_xml.find_moodle_xml_export_problems(items)
    if problems:
        raise ExportError(tuple(problems))
    if file_format == FORMAT_GIFT:
        return gift.export_gift(items).encode("utf-8")
    return moodle_xml.export_moodle_xml(items)
