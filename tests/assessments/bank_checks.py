"""The question-file format's checks (docs/question-format.md), shared by the tests of every
course package's bank: tests/assessments/test_bank_files.py (Docker) and
tests/content/test_git_basics_bank.py (Git).

Each `TYPE_CHECKS[type](item)` asserts an item's type-specific fields; `variants(item)` yields
every parameter combination of an item with its placeholders filled and its expressions evaluated.
"""

import ast
import itertools
import re
import shlex
from collections.abc import Iterator, Mapping
from typing import Any

COMMON_REQUIRED = (
    "key",
    "section",
    "objectives",
    "type",
    "points",
    "difficulty",
    "tags",
    "prompt",
    "feedback",
)
COMMON_OPTIONAL = ("parameters", "exam_only")
# Fields the database keeps in columns; the rest of an item is its spec.
NON_SPEC_FIELDS = frozenset(
    {"key", "section", "objectives", "type", "points", "difficulty", "tags", "exam_only"}
)
TYPE_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # type: (required fields, optional fields)
    "single_choice": ({"options"}, {"shuffle"}),
    "multiple_response": ({"options"}, {"penalty", "shuffle"}),
    "true_false": ({"answer", "feedback_true", "feedback_false"}, set()),
    "short_text": ({"answers", "examples"}, {"case_sensitive"}),
    "docker_command": ({"answers", "examples"}, {"neutral_flags", "wrong_flags"}),
    "numeric": ({"answers"}, {"unit", "examples"}),
    "ordering": ({"items"}, set()),
    "matching": ({"pairs"}, {"distractors"}),
    "dockerfile": (
        {"starter", "rules", "examples"},
        {
            "dockerignore_starter",
            "secret_values",
            "secret_files",
            "tag_credit",
            "required_rules",
            "required_packages",
        },
    ),
}
# The rule ids of graders.dockerfile_rules (the registry the dockerfile type validates against).
# The brief named them differently (pinned-base-image, non-root-user, healthcheck, exec-form-cmd,
# chained-run-cleanup, no-build-tools-in-final-stage, no-secrets, copy-not-add); the engine only
# accepts the ids below, so the bank uses these.
DOCKERFILE_RULE_IDS = {
    "base-image-tag-pinned",
    "base-image-digest-pinned",
    "final-stage-non-root-user",
    "final-stage-healthcheck",
    "exec-form-cmd-entrypoint",
    "dependencies-before-source",
    "apt-get-chained-with-cleanup",
    "final-stage-without-build-tools",
    "no-secrets-in-env-or-arg",
    "no-env-file-copied",
    "no-remote-add",
    "copy-instead-of-add",
    "start-command-declared",
    "final-stage-copies-from-earlier-stage",
    "final-stage-installs-packages",
}


PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
EXPRESSION_PREFIX = "="
PARAMETER_COMBINATION_LIMIT = 2000


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def nonempty_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_options(question: dict[str, Any]) -> list[dict[str, Any]]:
    options = question["options"]
    assert isinstance(options, list)
    assert len(options) >= 2
    for option in options:
        assert set(option) == {"text", "correct", "feedback"}, option
        assert nonempty_text(option["text"])
        assert isinstance(option["correct"], bool)
        assert nonempty_text(option["feedback"])
    texts = [option["text"] for option in options]
    assert len(set(texts)) == len(texts), "option texts must differ"
    return options


def _check_answer_list(question: dict[str, Any], fields: set[str]) -> list[dict[str, Any]]:
    answers = question["answers"]
    assert isinstance(answers, list)
    assert answers
    for answer in answers:
        assert set(answer) <= fields, answer
        fraction = answer.get("fraction", 1)
        assert is_number(fraction)
        assert 0 <= fraction <= 1
        assert nonempty_text(answer.get("feedback")), f"answer without feedback: {answer}"
    assert any(answer.get("fraction", 1) == 1 for answer in answers), "no full-credit answer"
    return answers


def _check_single_choice(question: dict[str, Any]) -> None:
    options = _check_options(question)
    assert sum(option["correct"] for option in options) == 1
    if "shuffle" in question:
        assert isinstance(question["shuffle"], bool)


def _check_multiple_response(question: dict[str, Any]) -> None:
    options = _check_options(question)
    assert sum(option["correct"] for option in options) >= 1
    assert any(not option["correct"] for option in options), "needs at least one distractor"
    if "penalty" in question:
        assert isinstance(question["penalty"], bool)


def _check_true_false(question: dict[str, Any]) -> None:
    assert isinstance(question["answer"], bool)
    assert nonempty_text(question["feedback_true"])
    assert nonempty_text(question["feedback_false"])


def _check_short_text(question: dict[str, Any]) -> None:
    answers = _check_answer_list(question, {"text", "regex", "fraction", "feedback"})
    for answer in answers:
        assert ("text" in answer) != ("regex" in answer), "an answer has text or regex, not both"
        if "regex" in answer:
            re.compile(answer["regex"])
        else:
            assert nonempty_text(answer["text"])
    if "case_sensitive" in question:
        assert isinstance(question["case_sensitive"], bool)
    # A full-credit text must not also be caught by a lower-scoring answer listed before it.
    flags = 0 if question.get("case_sensitive") else re.IGNORECASE
    for better in answers:
        if "text" not in better:
            continue
        typed = " ".join(better["text"].split())
        for other in answers:
            if other is better or "regex" not in other:
                continue
            if re.fullmatch(other["regex"], typed, flags):
                assert other.get("fraction", 1) >= better.get("fraction", 1), (typed, other)


def _check_docker_command(question: dict[str, Any]) -> None:
    answers = _check_answer_list(question, {"command", "fraction", "feedback"})
    for answer in answers:
        words = shlex.split(answer["command"])
        assert words[0] == "docker", answer["command"]
        assert len(words) >= 2


def _check_numeric(question: dict[str, Any]) -> None:
    answers = _check_answer_list(question, {"value", "tolerance", "fraction", "feedback"})
    for answer in answers:
        value = answer["value"]
        assert is_number(value) or (
            isinstance(value, str) and value.strip().startswith(EXPRESSION_PREFIX)
        ), value
        assert is_number(answer.get("tolerance", 0))
        assert answer.get("tolerance", 0) >= 0
    if "unit" in question:
        assert nonempty_text(question["unit"])


def _check_ordering(question: dict[str, Any]) -> None:
    items = question["items"]
    assert isinstance(items, list)
    assert len(items) >= 3
    assert all(nonempty_text(item) for item in items)
    assert len(set(items)) == len(items)


def _check_matching(question: dict[str, Any]) -> None:
    pairs = question["pairs"]
    assert isinstance(pairs, list)
    assert len(pairs) >= 2
    for pair in pairs:
        assert set(pair) == {"left", "right"}
        assert nonempty_text(pair["left"])
        assert nonempty_text(pair["right"])
    lefts = [pair["left"] for pair in pairs]
    rights = [pair["right"] for pair in pairs]
    assert len(set(lefts)) == len(lefts)
    assert len(set(rights)) == len(rights), "each right must identify one left"
    distractors = question.get("distractors", [])
    assert isinstance(distractors, list)
    assert all(nonempty_text(item) for item in distractors)
    assert not set(distractors) & set(rights)
    assert len(set(distractors)) == len(distractors)


def _check_dockerfile(question: dict[str, Any]) -> None:
    assert nonempty_text(question["starter"])
    assert question["starter"].lstrip().upper().startswith(("FROM", "#", "ARG"))
    rules = question["rules"]
    assert isinstance(rules, list)
    assert rules
    assert len(set(rules)) == len(rules)
    assert set(rules) <= DOCKERFILE_RULE_IDS, set(rules) - DOCKERFILE_RULE_IDS


TYPE_CHECKS = {
    "single_choice": _check_single_choice,
    "multiple_response": _check_multiple_response,
    "true_false": _check_true_false,
    "short_text": _check_short_text,
    "docker_command": _check_docker_command,
    "numeric": _check_numeric,
    "ordering": _check_ordering,
    "matching": _check_matching,
    "dockerfile": _check_dockerfile,
}


def _parameter_values(definition: Mapping[str, Any]) -> list[Any]:
    ((kind, values),) = definition.items()
    if kind == "integer":
        low, high = values
        assert isinstance(low, int)
        assert isinstance(high, int)
        assert low <= high
        # The ends and the middle are enough to exercise every variant's shape.
        return sorted({low, (low + high) // 2, high})
    assert kind == "choice", kind
    assert isinstance(values, list)
    assert values
    assert all(isinstance(value, str) or is_number(value) for value in values)
    return list(values)


def _evaluate(expression: str, names: Mapping[str, float]) -> float:
    """The expression subset the format allows: numbers, parameters, + - * / ( ) and round()."""

    def walk(node: ast.expr) -> float:
        if isinstance(node, ast.Constant) and is_number(node.value):
            return float(node.value)
        if isinstance(node, ast.Name):
            assert node.id in names, f"unknown name {node.id!r} in {expression!r}"
            return float(names[node.id])
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, ast.Add | ast.Sub | ast.Mult | ast.Div
        ):
            left, right = walk(node.left), walk(node.right)
            operations = {
                ast.Add: left.__add__,
                ast.Sub: left.__sub__,
                ast.Mult: left.__mul__,
                ast.Div: left.__truediv__,
            }
            return float(operations[type(node.op)](right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = walk(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "round"
        ):
            assert not node.keywords
            assert 1 <= len(node.args) <= 2
            arguments = [walk(argument) for argument in node.args]
            return float(round(arguments[0], *(int(a) for a in arguments[1:])))
        raise AssertionError(f"{ast.dump(node)} is not allowed in {expression!r}")

    return walk(ast.parse(expression.strip(), mode="eval").body)


def _substitute(value: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), value)
    if isinstance(value, list):
        return [_substitute(item, values) for item in value]
    if isinstance(value, Mapping):
        return {name: _substitute(item, values) for name, item in value.items()}
    return value


def variants(question: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    parameters = question.get("parameters") or {}
    names = list(parameters)
    choices = [_parameter_values(parameters[name]) for name in names]
    combinations = itertools.islice(itertools.product(*choices), PARAMETER_COMBINATION_LIMIT)
    for combination in combinations:
        values = dict(zip(names, combination, strict=True))
        body = {name: item for name, item in question.items() if name != "parameters"}
        variant = _substitute(body, values)
        for answer in variant.get("answers", []) if question["type"] == "numeric" else []:
            if isinstance(answer["value"], str):
                numbers = {name: float(value) for name, value in values.items() if is_number(value)}
                answer["value"] = _evaluate(answer["value"].strip()[1:], numbers)
        yield variant, values


def check_numeric_variant(variant: dict[str, Any], values: Mapping[str, Any]) -> None:
    """A full-credit range must not overlap a lower-scoring one, or the feedback would lie."""
    answers = variant["answers"]
    for answer in answers:
        assert is_number(answer["value"])
    best = [answer for answer in answers if answer.get("fraction", 1) == 1]
    others = [answer for answer in answers if answer.get("fraction", 1) < 1]
    for good, bad in itertools.product(best, others):
        good_low = good["value"] - good.get("tolerance", 0)
        good_high = good["value"] + good.get("tolerance", 0)
        bad_low = bad["value"] - bad.get("tolerance", 0)
        bad_high = bad["value"] + bad.get("tolerance", 0)
        assert good_high < bad_low or bad_high < good_low, (values, good, bad)
