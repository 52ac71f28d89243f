"""What the curated question bank demands beyond a valid spec. Pure Python, no Django.

The loader (`assessments.services.bank`) refuses an item that breaks one of these rules, naming
the item; `tests/assessments/test_bank_files.py` checks the files against the same constants.
Specs from other channels (authoring, imports) are not held to them: a Moodle import has no
example answers, and a draft may still be unfinished.
"""

from collections.abc import Mapping
from typing import Any

from assessments.question_types.examples import ACCEPT, EXAMPLES_FIELD, REJECT

# A single-choice key that is much longer than every distractor gives itself away: test-wise
# learners pick the longest option. "Much longer" is more than 30 % more characters than the
# longest distractor.
GIVEAWAY_LENGTH_RATIO = 1.3
# Types whose grading turns on how a typed answer is read: each bank item of these types keeps
# worked examples that the test suite and every save grade through the type.
EXAMPLE_TYPES = frozenset({"docker_command", "short_text", "dockerfile"})
MIN_EXAMPLES_PER_KIND = 3


def option_length(text: str) -> int:
    """Characters a learner sees, with runs of whitespace counted once."""
    return len(" ".join(text.split()))


def giveaway_error(spec: Mapping[str, Any]) -> str | None:
    """Why a single-choice key stands out by its length, or None."""
    options = spec.get("options") or []
    keys = [option for option in options if option.get("correct") is True]
    distractors = [option for option in options if option.get("correct") is not True]
    if len(keys) != 1 or not distractors:
        return None
    key_length = option_length(str(keys[0]["text"]))
    longest = max(option_length(str(option["text"])) for option in distractors)
    if key_length <= GIVEAWAY_LENGTH_RATIO * longest:
        return None
    return (
        f"the correct option ({key_length} characters) is more than "
        f"{round((GIVEAWAY_LENGTH_RATIO - 1) * 100)} % longer than every distractor (the longest "
        f"has {longest}): a learner can pick it by its length. Make the distractors as "
        "detailed and plausible as the key."
    )


def example_count_errors(question_type: str, spec: Mapping[str, Any]) -> list[str]:
    """An item of an EXAMPLE_TYPES type keeps at least MIN_EXAMPLES_PER_KIND of each kind."""
    if question_type not in EXAMPLE_TYPES:
        return []
    examples = spec.get(EXAMPLES_FIELD)
    errors = []
    for kind in (ACCEPT, REJECT):
        entries = examples.get(kind) if isinstance(examples, Mapping) else None
        count = len(entries) if isinstance(entries, list) else 0
        if count < MIN_EXAMPLES_PER_KIND:
            errors.append(
                f"{EXAMPLES_FIELD}.{kind}: a bank {question_type} item needs at least "
                f"{MIN_EXAMPLES_PER_KIND} {kind}ed example answers, not {count}"
            )
    return errors


def bank_policy_errors(*, question_type: str, spec: Mapping[str, Any]) -> list[str]:
    """Every rule of the bank that `spec` breaks."""
    errors = example_count_errors(question_type, spec)
    if question_type == "single_choice":
        giveaway = giveaway_error(spec)
        if giveaway is not None:
            errors.append(f"options: {giveaway}")
    return errors
