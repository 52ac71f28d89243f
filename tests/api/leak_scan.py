"""Find what a learner must not see yet in an API response: grades, answer keys, feedback."""

from typing import Any

from tests.question_examples import ALL_SECRETS, secrets_found

# Set only when the feedback policy allows it.
GRADE_KEYS = frozenset(
    {"fraction", "points", "feedback", "general_feedback", "score", "percent", "passed"}
)
# Parts of a question's spec that answer it; no learner response ever holds these keys.
ANSWER_KEY_KEYS = frozenset(
    {"correct", "answer", "answers", "rules", "tolerance", "pairs", "regex", "distractors"}
)
# The learner's own saved answer may of course contain the right answer.
OWN_ANSWER_KEYS = frozenset({"response"})


def leaks(payload: Any, path: str = "$") -> list[str]:
    """Every place in `payload` that shows a grade or an answer key, as JSON paths."""
    found: list[str] = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            where = f"{path}.{key}"
            if key in OWN_ANSWER_KEYS:
                continue
            if (key in GRADE_KEYS and value is not None) or key in ANSWER_KEY_KEYS:
                found.append(where)
            else:
                found += leaks(value, where)
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            found += leaks(value, f"{path}[{index}]")
    elif isinstance(payload, str) and secrets_found(payload, ALL_SECRETS):
        # an answer-side string of any catalogue example: an answer, a number, a feedback text
        found.append(path)
    return found
