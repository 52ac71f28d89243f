"""The score (0 to 1) a learner expects from a random guess, per question type, after the
rules of Moodle's question types:

- single choice: the mean of the options' fractions (1 / number of options here);
- true/false: one half;
- multiple response: none (Moodle defines none: a guess picks how many options, too);
- matching: 1 / the number of choices each left item can be matched to;
- ordering: 1 / the number of items. A uniform random order has each of the n - 1 wanted
  neighbouring pairs with probability 1/n, and the grade is the share of those pairs;
- typed answers (short text, numeric, command, Dockerfile): 0, nothing to pick from.
"""

from collections.abc import Callable, Mapping
from typing import Any

from assessments.question_types import QUESTION_TYPES, instantiate

# Any seed gives a variant with the same number of options, which is all a guess depends on.
VARIANT_SEED = 0


def _single_choice(spec: Mapping[str, Any]) -> float:
    options = list(spec["options"])
    return sum(1.0 if option.get("correct") else 0.0 for option in options) / len(options)


def _matching(spec: Mapping[str, Any]) -> float:
    return 1 / QUESTION_TYPES["matching"].option_count(spec)


def _ordering(spec: Mapping[str, Any]) -> float:
    return 1 / len(list(spec["items"]))


def _half(spec: Mapping[str, Any]) -> float:
    return 0.5


def _nothing(spec: Mapping[str, Any]) -> float:
    return 0.0


def _undefined(spec: Mapping[str, Any]) -> None:
    return None


GUESS_RULES: dict[str, Callable[[Mapping[str, Any]], float | None]] = {
    "single_choice": _single_choice,
    "true_false": _half,
    "multiple_response": _undefined,
    "matching": _matching,
    "ordering": _ordering,
    "short_text": _nothing,
    "numeric": _nothing,
    "docker_command": _nothing,
    "dockerfile": _nothing,
}


def random_guess_score(*, question_type: str, spec: Mapping[str, Any]) -> float | None:
    """None for a type without a defined guess score; KeyError for an unknown type."""
    variant, _ = instantiate(spec, VARIANT_SEED)
    return GUESS_RULES[question_type](variant)
