"""What the statistics need to know of a question of the bank: its options and the credit each
gives, and the score (0 to 1) a learner expects from a random guess, per question type, after
the rules of Moodle's question types:

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

from assessments.question_types import QUESTION_TYPES, instantiate, option_id
from assessments.question_types.variants import PARAMETERS_FIELD
from assessments.statistics.matrix import OptionInfo

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


def _choice_options(spec: Mapping[str, Any], *, multiple: bool) -> tuple[OptionInfo, ...]:
    options = list(spec["options"])
    correct = sum(1 for option in options if option.get("correct"))
    wrong = len(options) - correct
    penalty = multiple and spec.get("penalty", True)

    def fraction(option: Mapping[str, Any]) -> float:
        if option.get("correct"):
            return 1 / correct if multiple else 1.0
        return -1 / wrong if penalty else 0.0

    return tuple(
        OptionInfo(
            option=option_id(str(option["text"])),
            label=str(option["text"]),
            fraction=fraction(option),
        )
        for option in options
    )


def choice_options(*, question_type: str, spec: Mapping[str, Any]) -> tuple[OptionInfo, ...] | None:
    """The options a learner picks from, with each one's credit, for the choice types (the
    response stores option ids); None for other types and for parameterised specs, whose option
    texts, hence ids, differ from one attempt to the next."""
    if spec.get(PARAMETERS_FIELD):
        return None
    if question_type == "true_false":
        answer = bool(spec["answer"])
        return (
            OptionInfo(option="true", label="True", fraction=1.0 if answer else 0.0),
            OptionInfo(option="false", label="False", fraction=0.0 if answer else 1.0),
        )
    if question_type in {"single_choice", "multiple_response"}:
        return _choice_options(spec, multiple=question_type == "multiple_response")
    return None


def choice_response(*, question_type: str, response: object) -> str | tuple[str, ...] | None:
    """A stored (normalised) response as the option(s) chosen; None for other types."""
    if response is None:
        return None
    if question_type == "true_false" and isinstance(response, bool):
        return "true" if response else "false"
    if question_type == "single_choice" and isinstance(response, str):
        return response
    if question_type == "multiple_response" and isinstance(response, list):
        return tuple(str(option) for option in response)
    return None
