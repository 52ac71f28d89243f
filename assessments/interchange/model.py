"""Plain, framework-free description of questions moving in and out of Quayside.

The question bank maps its models to and from these dataclasses; the GIFT and Moodle XML
modules only ever see these. Everything is frozen and uses tuples, so a parsed file can be
compared, hashed and passed between threads without copying.
"""

from dataclasses import dataclass, field
from enum import StrEnum

# Moodle's own defaults, so that a question that never mentions them round-trips unchanged.
DEFAULT_POINTS = 1.0
DEFAULT_PENALTY = 0.3333333
# Moodle gives true/false questions a full penalty: a second try is a give-away.
TRUE_FALSE_PENALTY = 1.0
# Descriptions are not graded.
DESCRIPTION_POINTS = 0.0
FULL_CREDIT = 1.0
NO_CREDIT = 0.0
# Moodle's "missing word" blank, put where an answer block sat in the middle of GIFT text.
MISSING_WORD_MARKER = "_____"
# Tag that marks a Moodle short-answer question as one of our docker_command questions.
DOCKER_COMMAND_MARKER_TAG = "quayside-docker-command"
# Numeric and short-text answer that matches anything not matched before ("any other answer").
CATCH_ALL_ANSWER = "*"


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_RESPONSE = "multiple_response"
    TRUE_FALSE = "true_false"
    SHORT_TEXT = "short_text"
    NUMERIC = "numeric"
    MATCHING = "matching"
    ORDERING = "ordering"
    DOCKER_COMMAND = "docker_command"
    DOCKERFILE = "dockerfile"
    DESCRIPTION = "description"


class TextFormat(StrEnum):
    HTML = "html"
    MARKDOWN = "markdown"
    PLAIN = "plain"
    # Moodle's "auto format": text with HTML allowed, newlines become line breaks.
    MOODLE = "moodle"


class FileArea(StrEnum):
    """Which text of a question an embedded file belongs to (Moodle resolves per area)."""

    QUESTION_TEXT = "questiontext"
    GENERAL_FEEDBACK = "generalfeedback"
    ANSWER = "answer"
    ANSWER_FEEDBACK = "answerfeedback"
    SUBQUESTION = "subquestion"


@dataclass(frozen=True)
class EmbeddedFile:
    """A file shipped inside Moodle XML, referenced from text as ``@@PLUGINFILE@@/<name>``.

    ``index`` is the position of the answer or subquestion for the per-answer areas, else None.
    """

    name: str
    content: bytes
    area: FileArea = FileArea.QUESTION_TEXT
    path: str = "/"
    index: int | None = None


@dataclass(frozen=True)
class Answer:
    """One option (choice types, ordering), accepted answer (short text, numeric) or verdict.

    ``fraction`` is the share of the points given, 1.0 = full credit; multiple-response options
    may be negative. True/false questions always hold two answers, "true" then "false".
    Ordering questions hold their items in the correct order. ``tolerance`` is set for numeric
    answers only. ``text_format`` matters for choice and ordering options only: accepted
    answers are plain text.
    """

    text: str
    fraction: float
    feedback: str = ""
    text_format: TextFormat = TextFormat.PLAIN
    feedback_format: TextFormat = TextFormat.HTML
    tolerance: float | None = None


@dataclass(frozen=True)
class MatchingPair:
    """A prompt and the answer it matches; an empty prompt makes the answer a distractor."""

    prompt: str
    answer: str
    prompt_format: TextFormat = TextFormat.HTML


@dataclass(frozen=True)
class NumericUnit:
    name: str
    multiplier: float = 1.0


@dataclass(frozen=True)
class InterchangeQuestion:
    name: str
    text: str
    type: QuestionType
    text_format: TextFormat = TextFormat.HTML
    points: float = DEFAULT_POINTS
    penalty: float = DEFAULT_PENALTY
    general_feedback: str = ""
    general_feedback_format: TextFormat = TextFormat.HTML
    category: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()
    case_sensitive: bool = False
    pairs: tuple[MatchingPair, ...] = ()
    units: tuple[NumericUnit, ...] = ()
    id_number: str = ""
    tags: tuple[str, ...] = ()
    files: tuple[EmbeddedFile, ...] = ()


@dataclass(frozen=True)
class InterchangeCategory:
    """A category path below the course's top category, e.g. ("Docker", "Volumes")."""

    path: tuple[str, ...]
    description: str = ""
    description_format: TextFormat = TextFormat.HTML
    id_number: str = ""


@dataclass(frozen=True)
class UnsupportedQuestion:
    """A question the file holds but Quayside cannot represent; ``line`` is where it starts."""

    type_name: str
    line: int
    name: str


@dataclass(frozen=True)
class ParseError:
    line: int
    message: str


@dataclass(frozen=True)
class ImportNotice:
    """Content that was imported with a loss worth telling the author about."""

    line: int
    name: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """The outcome of reading one file.

    Imports are all-or-nothing: when ``errors`` is not empty, ``questions`` and ``categories``
    are empty, so a half-read file can never reach the bank.
    """

    questions: tuple[InterchangeQuestion, ...] = ()
    categories: tuple[InterchangeCategory, ...] = ()
    unsupported: tuple[UnsupportedQuestion, ...] = ()
    errors: tuple[ParseError, ...] = ()
    notices: tuple[ImportNotice, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ExportProblem:
    """Why a question cannot be written to a format without losing part of it."""

    name: str
    type: QuestionType
    message: str


class ExportError(ValueError):
    """Raised by the exporters instead of silently dropping questions or fields."""

    def __init__(self, problems: tuple[ExportProblem, ...]) -> None:
        self.problems = problems
        summary = "; ".join(f"{p.name} ({p.type}): {p.message}" for p in problems)
        super().__init__(f"{len(problems)} question(s) cannot be exported: {summary}")
