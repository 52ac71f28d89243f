"""Collects what a parser finds and turns it into an all-or-nothing ImportReport."""

import html
import re
from dataclasses import dataclass, field

from assessments.interchange.docker_marker import unmark_docker_command
from assessments.interchange.html_sanitiser import sanitise_question
from assessments.interchange.model import (
    ImportNotice,
    ImportReport,
    InterchangeCategory,
    InterchangeQuestion,
    ParseError,
    UnsupportedQuestion,
)

# Moodle names an untitled question after the start of its text.
DEFAULT_NAME_LENGTH = 80
_TAG = re.compile(r"<[^>]*>")


def default_question_name(text: str, line: int) -> str:
    words = " ".join(html.unescape(_TAG.sub(" ", text)).split())
    return words[:DEFAULT_NAME_LENGTH] or f"Question at line {line}"


@dataclass
class ReportBuilder:
    questions: list[InterchangeQuestion] = field(default_factory=list)
    categories: list[InterchangeCategory] = field(default_factory=list)
    unsupported: list[UnsupportedQuestion] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    notices: list[ImportNotice] = field(default_factory=list)

    def add_question(self, question: InterchangeQuestion) -> None:
        self.questions.append(unmark_docker_command(sanitise_question(question)))

    def add_category(self, category: InterchangeCategory) -> None:
        if all(known.path != category.path for known in self.categories):
            self.categories.append(category)

    def add_unsupported(self, type_name: str, line: int, name: str) -> None:
        self.unsupported.append(UnsupportedQuestion(type_name, line, name))

    def add_error(self, line: int, message: str) -> None:
        self.errors.append(ParseError(line, message))

    def add_notice(self, line: int, name: str, message: str) -> None:
        self.notices.append(ImportNotice(line, name, message))

    def build(self) -> ImportReport:
        if self.errors:
            return ImportReport(
                unsupported=tuple(self.unsupported),
                errors=tuple(sorted(self.errors, key=lambda error: error.line)),
            )
        return ImportReport(
            questions=tuple(self.questions),
            categories=tuple(self.categories),
            unsupported=tuple(self.unsupported),
            notices=tuple(self.notices),
        )
