"""Example answers stored with a question and checked through the type's own grading.

A spec of a typed-answer type (short_text, docker_command, numeric, dockerfile) may carry

    examples:
      accept: [answer, ...]                  # each must earn full credit
      reject: [answer, {answer: ..., fraction: 0.5}, ...]   # each must earn less than full

An entry is the answer as a learner would send it, or a mapping `{answer, fraction}`; in
`reject`, `fraction` is the exact credit expected (a partial answer), otherwise "less than
full" is enough. Dockerfile answers with a .dockerignore are written
`{answer: {dockerfile: ..., dockerignore: ...}}`. Examples may use the question's `{{param}}`
placeholders: validation instantiates the spec for a sample of seeds and checks every variant.

The checks run inside `validate_spec`, so the bank loader, the authoring UI, the API and the
importers all refuse a version whose examples disagree with its key. Examples are never part
of a learner view.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from assessments.question_types.errors import ResponseError, SpecError
from assessments.question_types.grades import PERCENT
from assessments.question_types.spec_checks import is_number, unknown_field_errors
from assessments.question_types.spec_validation import VALIDATION_SEEDS
from assessments.question_types.variants import PARAMETERS_FIELD, instantiate

if TYPE_CHECKING:
    from assessments.question_types.base import QuestionType

EXAMPLES_FIELD = "examples"
ACCEPT = "accept"
REJECT = "reject"
EXAMPLE_KINDS = (ACCEPT, REJECT)
ANSWER = "answer"
FRACTION = "fraction"
ENTRY_FIELDS = frozenset({ANSWER, FRACTION})


class ExamplesSpec(TypedDict, total=False):
    """A spec's `examples`: answers as a learner sends them, or `{answer, fraction}` mappings."""

    accept: list[object]
    reject: list[object]


# Examples are tests an author reads; more than this per kind is a test suite in the wrong place,
# and every save grades each of them for every checked variant.
MAX_EXAMPLES_PER_KIND = 40
# Authors write partial fractions to two decimals (2/3 as 0.67).
EXPECTED_FRACTION_TOLERANCE = 0.01
# How much of an answer an error message quotes (a Dockerfile is shown by its first line).
QUOTE_LENGTH = 60
# Distinct variants of a parameterised spec whose examples a save grades: every example is
# graded through the type for each, so this bounds the work of one save (about a second for
# the largest bank items). The test suite grades every parameter combination.
EXAMPLE_VARIANTS_CHECKED = 5


@dataclass(frozen=True)
class Example:
    """One example: where it sits in the spec, the answer and what it must earn.

    `expected` is the exact fraction a partial reject must earn; None means "full credit"
    for an accept and "less than full" for a reject.
    """

    kind: str
    index: int
    answer: object
    expected: float | None = None

    @property
    def where(self) -> str:
        return f"{EXAMPLES_FIELD}.{self.kind}[{self.index}]"

    @property
    def quoted(self) -> str:
        return quote_answer(self.answer)


@dataclass(frozen=True)
class ExampleCheck:
    """An example graded through its type: `problem` is None when it agrees with the key."""

    example: Example
    fraction: float | None
    explanation: str
    problem: str | None

    @property
    def agrees(self) -> bool:
        return self.problem is None


def quote_answer(answer: object) -> str:
    """A short, one-line rendering of an answer for messages."""
    if isinstance(answer, Mapping):
        answer = answer.get("dockerfile", "")
    text = str(answer).strip()
    first_line = text.splitlines()[0] if text else ""
    shown = first_line if len(first_line) <= QUOTE_LENGTH else first_line[: QUOTE_LENGTH - 1] + "…"
    more = " …" if len(text.splitlines()) > 1 and shown == first_line else ""
    return f'"{shown}{more}"'


def example_shape_errors(spec: Mapping[str, Any]) -> list[str]:
    """Problems with the shape of `examples` (absent is fine)."""
    if EXAMPLES_FIELD not in spec:
        return []
    examples = spec[EXAMPLES_FIELD]
    if not isinstance(examples, Mapping):
        return [f"{EXAMPLES_FIELD}: must map accept and reject to lists of answers"]
    errors = unknown_field_errors(examples, frozenset(EXAMPLE_KINDS), EXAMPLES_FIELD)
    for kind in EXAMPLE_KINDS:
        entries = examples.get(kind, [])
        where = f"{EXAMPLES_FIELD}.{kind}"
        if not isinstance(entries, list):
            errors.append(f"{where}: must be a list of answers")
            continue
        if len(entries) > MAX_EXAMPLES_PER_KIND:
            errors.append(f"{where}: at most {MAX_EXAMPLES_PER_KIND} examples are allowed")
        for index, entry in enumerate(entries):
            errors += _entry_errors(entry, kind, f"{where}[{index}]")
    return errors


def _entry_errors(entry: object, kind: str, where: str) -> list[str]:
    if not isinstance(entry, Mapping):
        return [] if entry is not None else [f"{where}: must be an answer"]
    errors = unknown_field_errors(entry, ENTRY_FIELDS, where)
    if ANSWER not in entry:
        errors.append(f"{where}.{ANSWER}: is required when an example is written as a mapping")
    if FRACTION in entry:
        fraction = entry[FRACTION]
        if kind == ACCEPT:
            errors.append(f"{where}.{FRACTION}: an accepted example earns full credit; move it")
        elif not is_number(fraction) or not 0 <= fraction < 1:
            errors.append(f"{where}.{FRACTION}: must be a number from 0 up to (not including) 1")
    return errors


def examples_of(spec: Mapping[str, Any]) -> list[Example]:
    """The examples of a spec whose shape is valid, accepted ones first."""
    examples = spec.get(EXAMPLES_FIELD) or {}
    found = []
    for kind in EXAMPLE_KINDS:
        for index, entry in enumerate(examples.get(kind) or []):
            if isinstance(entry, Mapping):
                expected = entry.get(FRACTION)
                found.append(
                    Example(
                        kind,
                        index,
                        entry[ANSWER],
                        float(expected) if expected is not None else None,
                    )
                )
            else:
                found.append(Example(kind, index, entry))
    return found


def example_check(
    question_type: "QuestionType", variant: Mapping[str, Any], example: Example
) -> ExampleCheck:
    """Grade one example through the type, as an attempt would grade it."""
    try:
        grade = question_type.grade(variant, example.answer)
    except ResponseError as error:
        problem = f"{example.where}: {example.quoted} is not a valid answer: {error}"
        return ExampleCheck(example, None, str(error), problem)
    return ExampleCheck(
        example,
        grade.fraction,
        grade.explanation,
        _disagreement(example, grade.fraction, grade.explanation),
    )


def _disagreement(example: Example, fraction: float, explanation: str) -> str | None:
    earned = f"{example.where}: {example.quoted} earns {_percent(fraction)}"
    if example.kind == ACCEPT:
        if fraction == 1:
            return None
        return f"{earned}, but an accepted example must earn full credit ({explanation})"
    if example.expected is None:
        if fraction < 1:
            return None
        return f"{earned}, but a rejected example must earn less than full credit"
    if abs(fraction - example.expected) <= EXPECTED_FRACTION_TOLERANCE:
        return None
    return f"{earned}, but the example expects {_percent(example.expected)} ({explanation})"


def _percent(fraction: float) -> str:
    return f"{round(fraction * PERCENT)}%"


def example_checks(question_type: "QuestionType", variant: Mapping[str, Any]) -> list[ExampleCheck]:
    """Every example of an instantiated spec, graded. The spec's own fields must be valid."""
    return [example_check(question_type, variant, example) for example in examples_of(variant)]


def example_errors(question_type: "QuestionType", variant: Mapping[str, Any]) -> list[str]:
    """The examples of an instantiated, otherwise valid spec that disagree with its key."""
    if variant.get(PARAMETERS_FIELD) or example_shape_errors(variant):
        return []
    return [check.problem for check in example_checks(question_type, variant) if check.problem]


def example_errors_in_variants(question_type: "QuestionType", spec: Mapping[str, Any]) -> list[str]:
    """Disagreeing examples of an otherwise valid spec, over up to EXAMPLE_VARIANTS_CHECKED
    distinct variants; each failing example is reported once, with the variant that shows it."""
    errors: list[str] = []
    reported: set[str] = set()
    seen: list[dict[str, Any]] = []
    for seed in VALIDATION_SEEDS:
        try:
            variant, values = instantiate(spec, seed)
        except SpecError as error:
            return [str(error)]
        if values in seen:
            continue
        seen.append(values)
        shown = ", ".join(f"{name}={value!r}" for name, value in values.items())
        suffix = f" (with {shown})" if shown else ""
        for check in example_checks(question_type, variant):
            if check.problem and check.example.where not in reported:
                reported.add(check.example.where)
                errors.append(f"{check.problem}{suffix}")
        if len(seen) >= EXAMPLE_VARIANTS_CHECKED:
            break
    return errors
