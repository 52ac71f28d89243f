"""What every question type shares: the grade, the errors and the interface a type implements.

Specs are the plain mappings described in docs/question-format.md. Every method except
`validate_spec` takes an *instantiated* spec (see `variants.instantiate`): parameters drawn and
`{{param}}` placeholders replaced.
"""

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

# A normalised response is JSON-shaped so an attempt can store it as it is.
type Response = str | bool | float | list[str] | dict[str, str]

# Grades are computed in floats; a sum of thirds must still count as full credit.
FULL_CREDIT_EPSILON = 1e-9
# Grades are stored and compared; more digits than this are noise from float arithmetic.
FRACTION_DIGITS = 7
# Option ids are a prefix of the SHA-256 of the text: stable, and derived from nothing but what
# the learner already sees, so an id can never hint at which option is correct. 40 bits make a
# collision among a question's few options practically impossible (and validation rejects one).
OPTION_ID_LENGTH = 10


class ResponseError(ValueError):
    """A learner's response has the wrong shape for the question; the message is for the learner."""


class SpecError(ValueError):
    """A spec cannot be used as given (for instance, its parameters were never instantiated)."""


@dataclass(frozen=True)
class PartFeedback:
    """Feedback on one part of a response: a picked option, a matched pair, a Dockerfile rule."""

    label: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response. `explanation` is written for the learner."""

    fraction: float
    correct: bool
    parts: tuple[PartFeedback, ...] = ()
    explanation: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.fraction <= 1:
            raise ValueError(f"a grade's fraction must be within 0..1, not {self.fraction}")
        if self.correct != (self.fraction == 1):
            raise ValueError("a grade is correct exactly when its fraction is 1")

    @classmethod
    def of(
        cls, fraction: float, *, parts: Sequence[PartFeedback] = (), explanation: str = ""
    ) -> "Grade":
        """A grade for `fraction`, clamped to 0..1 and rounded so float noise cannot cost credit."""
        clamped = min(1.0, max(0.0, float(fraction)))
        if clamped >= 1 - FULL_CREDIT_EPSILON:
            clamped = 1.0
        rounded = round(clamped, FRACTION_DIGITS)
        return cls(rounded, rounded == 1, tuple(parts), explanation)


def option_id(text: str) -> str:
    """The id a learner view gives an option, item or matching choice with this text."""
    return hashlib.sha256(text.encode()).hexdigest()[:OPTION_ID_LENGTH]


def verdict(fraction: float) -> str:
    """The first words of an explanation: how the response did overall."""
    if fraction >= 1:
        return "Correct."
    if fraction > 0:
        return f"Partly correct ({round(fraction * 100)}%)."
    return "Incorrect."


class QuestionType(ABC):
    """One question type. Instances are stateless; the registry holds one of each."""

    name: ClassVar[str]
    # The type's own top-level fields (common fields are allowed for every type).
    fields: ClassVar[frozenset[str]]
    # Ordering items and matching choices in authoring order would give the answer away.
    authoring_order_reveals_answer: ClassVar[bool] = False

    def validate_spec(self, spec: Mapping[str, Any]) -> list[str]:
        """Every problem with `spec` for this type; empty when it can be stored and used."""
        from assessments.question_types.spec_validation import validate_question_spec

        return validate_question_spec(self, spec)

    @abstractmethod
    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        """Problems with the type's own fields in an instantiated spec."""

    def option_count(self, spec: Mapping[str, Any]) -> int:
        """How many things a learner view orders (options, items, choices); 0 when none."""
        return 0

    def shuffles(self, spec: Mapping[str, Any]) -> bool:
        """Whether an attempt should freeze a shuffled order for this spec."""
        return self.option_count(spec) > 1

    def learner_view(
        self, spec: Mapping[str, Any], *, option_order: list[int] | None = None
    ) -> dict[str, Any]:
        """What a learner may see before feedback: never an answer, fraction or feedback.

        `option_order` lists the spec's option (item, choice) indices in display order, as frozen
        on the attempt; None means the default order (authoring order, or for ordering and
        matching a fixed scramble, since authoring order is the answer).
        """
        from assessments.question_types.option_order import checked_option_order

        require_instantiated(spec)
        order = checked_option_order(self, spec, option_order)
        return {"type": self.name, "prompt": str(spec["prompt"]), **self.view_fields(spec, order)}

    def view_fields(self, spec: Mapping[str, Any], order: list[int]) -> dict[str, Any]:
        """The type's learner-visible fields, with its options in `order`."""
        return {}

    @abstractmethod
    def normalise_response(self, spec: Mapping[str, Any], raw: object) -> Response:
        """The response in canonical form; raises ResponseError when it is malformed.

        Idempotent: normalising a normalised response returns it unchanged.
        """

    def grade(self, spec: Mapping[str, Any], response: object) -> Grade:
        """Grade a response (raw or normalised); raises ResponseError when it is malformed."""
        require_instantiated(spec)
        return self.grade_normalised(spec, self.normalise_response(spec, response))

    @abstractmethod
    def grade_normalised(self, spec: Mapping[str, Any], response: Any) -> Grade:
        """Grade a response that `normalise_response` returned."""


def require_instantiated(spec: Mapping[str, Any]) -> None:
    if spec.get("parameters"):
        raise SpecError("the spec has parameters: call instantiate(spec, seed) first")
