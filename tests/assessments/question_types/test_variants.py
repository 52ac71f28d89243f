"""Parameterised variants: reproducible by seed, substituted everywhere, safe expressions."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, SpecError, instantiate
from assessments.question_types.expressions import ExpressionError, evaluate
from tests.question_examples import spec_of

SEEDS = range(50)


def _publish_question() -> dict[str, Any]:
    return {
        "prompt": "Publish container port 3000 on host port {{host_port}} and name it {{name}}.",
        "feedback": "Section 5: Docker Networking Basics.",
        "parameters": {
            "host_port": {"integer": [8000, 8999]},
            "name": {"choice": ["web", "api", "shop"]},
        },
        "answers": [
            {
                "command": "docker run -d -p {{host_port}}:3000 --name {{name}} app:1.0",
                "fraction": 1,
                "feedback": "Port {{ host_port }} now reaches {{name}}.",
            }
        ],
    }


def _shrink_question() -> dict[str, Any]:
    return spec_of("numeric") | {
        "prompt": "An image shrank from {{before}} MB to {{after}} MB. By how many percent?",
        "parameters": {"before": {"integer": [400, 900]}, "after": {"integer": [100, 300]}},
        "answers": [{"value": "= round((before - after) / before * 100, 1)", "tolerance": 0.1}],
    }


def test_the_same_seed_gives_the_same_variant() -> None:
    assert instantiate(_publish_question(), 42) == instantiate(_publish_question(), 42)


def test_different_seeds_give_different_variants() -> None:
    variants = {instantiate(_publish_question(), seed)[1]["host_port"] for seed in SEEDS}

    assert len(variants) > len(SEEDS) // 2


def test_draws_are_pinned_to_random_random_so_stored_seeds_stay_valid() -> None:
    # The values for seed 1 must never change: attempts store only the seed.
    assert instantiate(_publish_question(), 1)[1] == {"host_port": 8134, "name": "shop"}


def test_every_string_gets_the_values() -> None:
    variant, values = instantiate(_publish_question(), 7)
    port, name = values["host_port"], values["name"]

    assert variant["prompt"] == (
        f"Publish container port 3000 on host port {port} and name it {name}."
    )
    assert variant["answers"][0]["command"] == f"docker run -d -p {port}:3000 --name {name} app:1.0"
    assert variant["answers"][0]["feedback"] == f"Port {port} now reaches {name}."
    assert "parameters" not in variant


def test_values_stay_within_their_definition() -> None:
    for seed in SEEDS:
        _, values = instantiate(_publish_question(), seed)
        assert 8000 <= int(values["host_port"]) <= 8999
        assert values["name"] in {"web", "api", "shop"}


def test_a_variant_grades_its_own_answer() -> None:
    question_type = QUESTION_TYPES["docker_command"]
    variant, values = instantiate(_publish_question(), 3)
    name, port = values["name"], values["host_port"]
    given = f"docker container run --name {name} --detach --publish {port}:3000 app:1.0"

    assert question_type.grade(variant, given).fraction == 1
    assert question_type.grade(variant, given.replace("3000", "3001")).fraction == 0


def test_numeric_expressions_are_evaluated_per_variant() -> None:
    for seed in range(5):
        variant, values = instantiate(_shrink_question(), seed)
        before, after = int(values["before"]), int(values["after"])
        expected = round((before - after) / before * 100, 1)

        assert variant["answers"][0]["value"] == expected
        assert QUESTION_TYPES["numeric"].grade(variant, expected).fraction == 1


def test_parameterised_specs_are_validated_through_their_variants() -> None:
    assert QUESTION_TYPES["docker_command"].validate_spec(_publish_question()) == []
    assert QUESTION_TYPES["numeric"].validate_spec(_shrink_question()) == []


def test_a_variant_that_fails_is_reported_with_its_values() -> None:
    spec = _shrink_question()
    spec["parameters"]["after"] = {"integer": [0, 1]}
    spec["answers"][0]["value"] = "= before / after"

    errors = QUESTION_TYPES["numeric"].validate_spec(spec)

    assert errors == ["answers[0].value: the expression 'before / after' divides by zero"]


def test_a_command_that_only_some_values_break_is_reported() -> None:
    spec = _publish_question()
    spec["parameters"]["name"] = {"choice": ["web", "--bad"]}
    spec["answers"][0]["command"] = "docker run -d --name web {{name}}"

    errors = QUESTION_TYPES["docker_command"].validate_spec(spec)

    assert errors
    assert all("(with host_port=" in error and "name='--bad'" in error for error in errors)


def test_an_unknown_placeholder_is_an_error() -> None:
    spec = _publish_question()
    spec["prompt"] += " Use {{colour}}."

    with pytest.raises(SpecError, match=r"prompt: \{\{colour\}\} is not a parameter"):
        instantiate(spec, 0)
    assert QUESTION_TYPES["docker_command"].validate_spec(spec) == [
        "prompt: {{colour}} is not a parameter of this question"
    ]


def test_values_put_into_a_regex_match_literally() -> None:
    spec = {
        "prompt": "Name the file {{file}}.",
        "feedback": "Section 3: x",
        "parameters": {"file": {"choice": ["a.txt"]}},
        "answers": [{"regex": "{{file}}"}],
    }
    variant, _ = instantiate(spec, 0)
    short_text = QUESTION_TYPES["short_text"]

    assert short_text.grade(variant, "a.txt").fraction == 1
    assert short_text.grade(variant, "aXtxt").fraction == 0


@pytest.mark.parametrize(
    ("parameters", "error"),
    [
        ("x", "parameters: must map names to"),
        ({"Port": {"integer": [1, 2]}}, "parameters.Port: a name must match"),
        ({"port": {"integer": [2, 1]}}, "parameters.port.integer: low 2 is greater than high 1"),
        ({"port": {"integer": [1.5, 2]}}, "parameters.port.integer: must be [low, high]"),
        ({"port": {"integer": [1]}}, "parameters.port.integer: must be [low, high]"),
        ({"port": {"choice": []}}, "parameters.port.choice: must be a non-empty list"),
        ({"port": {"choice": [{"a": 1}]}}, "parameters.port.choice: values must be strings"),
        ({"port": {"float": [1, 2]}}, "parameters.port: unknown kind 'float'"),
        ({"port": {"integer": [1, 2], "choice": [1]}}, "parameters.port: must be exactly one"),
    ],
)
def test_invalid_parameters_are_reported(parameters: object, error: str) -> None:
    spec = _publish_question() | {"parameters": parameters}

    errors = QUESTION_TYPES["docker_command"].validate_spec(spec)

    assert any(found.startswith(error) for found in errors), errors
    with pytest.raises(SpecError):
        instantiate(spec, 0)


def test_a_spec_without_parameters_comes_back_as_an_equal_copy() -> None:
    spec = spec_of("numeric")

    variant, values = instantiate(spec, 5)

    assert variant == spec
    assert variant is not spec
    assert values == {}


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("1 + 2 * 3", 7),
        ("(before - after) / before * 100", 75),
        ("-before + +after", -600),
        ("round(2 / 3, 2)", 0.67),
        ("round(2.6)", 3),
    ],
)
def test_expressions_evaluate_arithmetic(expression: str, result: float) -> None:
    assert evaluate(expression, {"before": 800, "after": 200}) == pytest.approx(result)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('true')", "only function allowed is round"),
        ("before.real", "Attribute is not allowed"),
        ("abs(-1)", "only function allowed is round"),
        ("2 ** 10", "operator Pow"),
        ("7 % 2", "operator Mod"),
        ("7 // 2", "operator FloorDiv"),
        ("not 1", "operator Not"),
        ("colour", "unknown name 'colour'"),
        ("'abc'", "only numbers"),
        ("True", "only numbers"),
        ("[1][0]", "Subscript is not allowed"),
        ("round(1, digits=2)", "round() takes"),
        ("round(1.5, 0.5)", "digits must be a whole number"),
        ("1 +", "is not valid"),
        ("1 / 0", "divides by zero"),
        ("1e308 * 10", "not a finite number"),
        ("1" + " + 1" * 40, "more than"),
        ("1" * 201, "longer than"),
        ("lambda: 1", "Lambda is not allowed"),
    ],
)
def test_expressions_refuse_anything_but_arithmetic(expression: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate(expression, {"before": 800})
