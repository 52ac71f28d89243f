"""Parameterised variants: draw every parameter from a seed and put the values into the spec.

The seed is stored on the attempt, so a variant must be reproducible forever. Python only
promises that `Random(seed).random()` yields the same sequence across versions (not `randint`
or `choice`), so each parameter is drawn from exactly one `random()` call.
"""

import math
import random
import re
from collections.abc import Mapping
from typing import Any

from assessments.question_types.errors import SpecError
from assessments.question_types.expressions import ExpressionError, evaluate
from assessments.question_types.spec_checks import is_number

type ParameterValue = int | float | str

PARAMETERS_FIELD = "parameters"
INTEGER_KIND = "integer"
# integer: [low, high], both inclusive
BOUNDS_LENGTH = 2
CHOICE_KIND = "choice"
# `{{ name }}` with an identifier inside. Docker's Go templates (`{{.State.Running}}`,
# `{{json .Config}}`) never look like this, so format strings in commands stay untouched.
PLACEHOLDER_PATTERN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
PARAMETER_NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
# A question has a handful of parameters; more is a sign of a generator gone wrong.
MAX_PARAMETERS = 12
MAX_CHOICES = 100
# Integers stay exact as floats in expressions and readable in prompts.
MAX_INTEGER_MAGNITUDE = 10**12
# A numeric answer's `value` starting with this is an expression over the parameters.
EXPRESSION_PREFIX = "="
# Values put into a regex are escaped, so `{{name}}` matches the value literally.
REGEX_FIELD = "regex"


def parameter_errors(parameters: object) -> list[str]:
    """Problems with a spec's `parameters` mapping (absent or empty is fine)."""
    if parameters is None:
        return []
    if not isinstance(parameters, Mapping):
        return [
            f"{PARAMETERS_FIELD}: must map names to {{integer: [low, high]}} or {{choice: [...]}}"
        ]
    if len(parameters) > MAX_PARAMETERS:
        return [f"{PARAMETERS_FIELD}: at most {MAX_PARAMETERS} parameters are allowed"]
    errors = []
    for name, definition in parameters.items():
        where = f"{PARAMETERS_FIELD}.{name}"
        if not isinstance(name, str) or not PARAMETER_NAME_PATTERN.fullmatch(name):
            errors.append(f"{where}: a name must match {PARAMETER_NAME_PATTERN.pattern}")
        errors.extend(_definition_errors(definition, where))
    return errors


def _definition_errors(definition: object, where: str) -> list[str]:
    if not isinstance(definition, Mapping) or len(definition) != 1:
        return [f"{where}: must be exactly one of {{integer: [low, high]}} or {{choice: [...]}}"]
    kind, values = next(iter(definition.items()))
    if kind == INTEGER_KIND:
        return _integer_errors(values, where)
    if kind == CHOICE_KIND:
        return _choice_errors(values, where)
    return [f"{where}: unknown kind {kind!r} (use {INTEGER_KIND} or {CHOICE_KIND})"]


def _integer_errors(bounds: object, where: str) -> list[str]:
    if not (
        isinstance(bounds, list)
        and len(bounds) == BOUNDS_LENGTH
        and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
    ):
        return [f"{where}.{INTEGER_KIND}: must be [low, high], two whole numbers"]
    low, high = bounds
    if low > high:
        return [f"{where}.{INTEGER_KIND}: low {low} is greater than high {high}"]
    if max(abs(low), abs(high)) > MAX_INTEGER_MAGNITUDE:
        return [f"{where}.{INTEGER_KIND}: bounds must be within ±{MAX_INTEGER_MAGNITUDE}"]
    return []


def _choice_errors(values: object, where: str) -> list[str]:
    if not isinstance(values, list) or not values:
        return [f"{where}.{CHOICE_KIND}: must be a non-empty list"]
    if len(values) > MAX_CHOICES:
        return [f"{where}.{CHOICE_KIND}: at most {MAX_CHOICES} values are allowed"]
    if not all(isinstance(value, str) or is_number(value) for value in values):
        return [f"{where}.{CHOICE_KIND}: values must be strings or numbers"]
    return []


def draw_parameters(parameters: Mapping[str, Any], seed: int) -> dict[str, ParameterValue]:
    """The value of every parameter for `seed`, drawn in the order they are listed."""
    if isinstance(parameters, Mapping) and not parameters:
        return {}  # a question without variants (most): nothing to draw or check
    errors = parameter_errors(parameters)
    if errors:
        raise SpecError("; ".join(errors))
    rng = random.Random(seed)  # noqa: S311 - variants need reproducibility, not secrecy
    values: dict[str, ParameterValue] = {}
    for name, definition in parameters.items():
        kind, options = next(iter(definition.items()))
        draw = rng.random()
        if kind == INTEGER_KIND:
            low, high = options
            values[name] = low + math.floor(draw * (high - low + 1))
        else:
            values[name] = options[math.floor(draw * len(options))]
    return values


def instantiate(
    spec: Mapping[str, Any], seed: int
) -> tuple[dict[str, Any], dict[str, ParameterValue]]:
    """The spec with parameters drawn for `seed`, and the drawn values.

    Every `{{param}}` in every string is replaced, numeric `value: "= ..."` expressions are
    evaluated and `parameters` is dropped. Deterministic: the same spec and seed always give
    the same variant. A spec without parameters comes back as a copy (expressions evaluated).
    Raises SpecError for invalid parameters, unknown placeholders or failing expressions.
    """
    values = draw_parameters(spec.get(PARAMETERS_FIELD) or {}, seed)
    return apply_parameters(spec, values), values


def apply_parameters(
    spec: Mapping[str, Any], values: Mapping[str, ParameterValue]
) -> dict[str, Any]:
    """The spec with `values` substituted and numeric expressions evaluated."""
    substituted = {
        name: _substitute(value, values, where=name, in_regex=False)
        for name, value in spec.items()
        if name != PARAMETERS_FIELD
    }
    _evaluate_answer_values(substituted, values)
    return substituted


def _substitute(
    value: Any, values: Mapping[str, ParameterValue], *, where: str, in_regex: bool
) -> Any:
    if isinstance(value, str):
        return _substitute_text(value, values, where=where, in_regex=in_regex)
    if isinstance(value, list):
        return [
            _substitute(item, values, where=f"{where}[{index}]", in_regex=in_regex)
            for index, item in enumerate(value)
        ]
    if isinstance(value, Mapping):
        return {
            name: _substitute(item, values, where=f"{where}.{name}", in_regex=name == REGEX_FIELD)
            for name, item in value.items()
        }
    return value


def _substitute_text(
    text: str, values: Mapping[str, ParameterValue], *, where: str, in_regex: bool
) -> str:
    def replacement(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise SpecError(f"{where}: {{{{{name}}}}} is not a parameter of this question")
        shown = str(values[name])
        return re.escape(shown) if in_regex else shown

    if "{{" not in text:  # most strings: no placeholder to look for (every attempt start)
        return text
    return PLACEHOLDER_PATTERN.sub(replacement, text)


def _evaluate_answer_values(spec: dict[str, Any], values: Mapping[str, ParameterValue]) -> None:
    answers = spec.get("answers")
    if not isinstance(answers, list):
        return
    numbers = {name: float(value) for name, value in values.items() if is_number(value)}
    for index, answer in enumerate(answers):
        value = answer.get("value") if isinstance(answer, dict) else None
        if isinstance(value, str) and value.strip().startswith(EXPRESSION_PREFIX):
            expression = value.strip().removeprefix(EXPRESSION_PREFIX)
            try:
                answer["value"] = evaluate(expression, numbers)
            except ExpressionError as error:
                raise SpecError(f"answers[{index}].value: {error}") from None
