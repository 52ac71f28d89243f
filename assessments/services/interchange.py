"""Moves questions between the bank and Moodle GIFT / Moodle XML files.

The parsers and writers in assessments.interchange know nothing of the database; this module maps
their dataclasses to question specs (docs/question-format.md) and back, and writes the bank.
An import is all-or-nothing: a file with errors writes no question.
"""

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from assessments.interchange import gift, moodle_xml
from assessments.interchange.model import (
    ExportError,
    ExportProblem,
    ImportNotice,
    ImportReport,
    InterchangeQuestion,
    ParseError,
    TextFormat,
    UnsupportedQuestion,
)
from assessments.interchange.model import QuestionType as InterchangeType
from assessments.interchange.spec_text import markdown_from_imported
from assessments.models import Provenance, Question, QuestionStatus, QuestionVersion
from assessments.question_types import QUESTION_TYPES
from assessments.services.questions import QuestionContent, QuestionSpecError, question_create
from courses import api as courses_api

FORMAT_GIFT = "gift"
FORMAT_MOODLE_XML = "moodle_xml"
CATEGORY_TO_SECTION = "section"
CATEGORY_TO_TAG = "tag"
# Our bank has no "description" type: Moodle's text-only items carry no answer to grade.
_NOT_IN_BANK = frozenset({InterchangeType.DESCRIPTION})


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


def spec_from_interchange(question: InterchangeQuestion) -> tuple[str, dict[str, Any]]:
    """Map one imported question to (type, spec); raises ValueError for what we cannot hold.

    Every text becomes Markdown (see `markdown_from_imported`), except accepted answers, which
    are plain text in every format. The type's own fields come from its adapter.
    """
    question_type = QUESTION_TYPES.get(str(question.type))
    if question_type is None:
        raise ValueError(f"{question.type} questions have no place in the question bank")
    spec: dict[str, Any] = {
        "prompt": markdown_from_imported(question.text, question.text_format),
        "feedback": markdown_from_imported(
            question.general_feedback, question.general_feedback_format
        ),
    }
    return question_type.name, spec | question_type.spec_from_interchange(question)


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
    """The current content as an interchange question; `_unexportable` lists what it loses.
    The type's own fields (answers, pairs, units...) come from its adapter."""
    spec = version.spec
    return InterchangeQuestion(
        type=InterchangeType(version.type),
        name=question.key,
        text=str(spec.get("prompt", "")),
        text_format=TextFormat.MARKDOWN,
        general_feedback=str(spec.get("feedback", "")),
        general_feedback_format=TextFormat.MARKDOWN,
        points=float(version.points),
        category=(question.section.title,),
        id_number=question.key,
        tags=tuple(tag.name for tag in question.tags.all()),
        **QUESTION_TYPES[version.type].interchange_fields(spec),
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
            key = _question_import(
                item,
                position=position,
                file_name=file_name,
                category_mapping=category_mapping,
                default_section_id=default_section_id,
                sections_by_title=sections_by_title,
                citations=citations,
                taken=taken,
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


def _question_import(
    item: InterchangeQuestion,
    *,
    position: int,
    file_name: str,
    category_mapping: str,
    default_section_id: int,
    sections_by_title: dict[str, int],
    citations: dict[int, str],
    taken: set[str],
    author: User | None,
) -> str:
    """Create one imported question as a draft; its key. Raises ValueError or QuestionSpecError
    for what the bank cannot hold."""
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
    return key


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
