"""Worked examples in a spec: validated by shape, graded through the type on every save."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES
from assessments.question_types.examples import (
    EXAMPLE_VARIANTS_CHECKED,
    MAX_EXAMPLES_PER_KIND,
    example_checks,
    quote_answer,
)
from tests.question_examples import spec_of

DOCKER_COMMAND = QUESTION_TYPES["docker_command"]
SHORT_TEXT = QUESTION_TYPES["short_text"]
# A general feedback that cites its section, as every spec's must.
FEEDBACK = spec_of("docker_command")["feedback"]


def _command_spec(**examples: Any) -> dict[str, Any]:
    return {
        "prompt": "List all containers.",
        "feedback": FEEDBACK,
        "answers": [
            {"command": "docker ps -a", "fraction": 1},
            {"command": "docker ps", "fraction": 0.5},
        ],
        "examples": examples,
    }


def test_agreeing_examples_leave_the_spec_valid() -> None:
    spec = _command_spec(
        accept=["docker container ls --all", "docker ps --all"],
        reject=["docker images", {"answer": "docker container ls", "fraction": 0.5}],
    )

    assert DOCKER_COMMAND.validate_spec(spec) == []


def test_an_accepted_example_that_earns_less_names_the_example_and_the_grade() -> None:
    spec = _command_spec(accept=["docker ps"], reject=[])

    errors = DOCKER_COMMAND.validate_spec(spec)

    assert errors == [
        'examples.accept[0]: "docker ps" earns 50%, but an accepted example must earn full '
        "credit (Partly correct (50%). Missing flag `--all` (`-a`).)"
    ]


def test_a_rejected_example_that_earns_full_credit_is_an_error() -> None:
    spec = _command_spec(accept=[], reject=["docker ps --all"])

    assert DOCKER_COMMAND.validate_spec(spec) == [
        'examples.reject[0]: "docker ps --all" earns 100%, but a rejected example must earn '
        "less than full credit"
    ]


def test_a_partial_example_must_earn_exactly_its_declared_fraction() -> None:
    near = _command_spec(reject=[{"answer": "docker ps", "fraction": 0.501}])
    off = _command_spec(reject=[{"answer": "docker ps", "fraction": 0.25}])

    assert DOCKER_COMMAND.validate_spec(near) == []
    assert "but the example expects 25%" in DOCKER_COMMAND.validate_spec(off)[0]


def test_a_malformed_example_answer_is_an_error() -> None:
    spec = _command_spec(accept=["   "])

    assert DOCKER_COMMAND.validate_spec(spec) == [
        'examples.accept[0]: "" is not a valid answer: Type a command.'
    ]


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        ("docker ps -a", "examples: must map accept and reject to lists of answers"),
        ({"acept": []}, "examples.acept: unknown field"),
        ({"accept": "docker ps -a"}, "examples.accept: must be a list of answers"),
        ({"accept": [{"fraction": 1}]}, "examples.accept[0].answer: is required"),
        ({"accept": [{"answer": "docker ps -a", "fraction": 1}]}, "an accepted example earns"),
        ({"reject": [{"answer": "docker ps", "fraction": 1}]}, "from 0 up to (not including) 1"),
        ({"reject": [{"answer": "docker ps", "note": "x"}]}, "examples.reject[0].note: unknown"),
        ({"accept": [None]}, "examples.accept[0]: must be an answer"),
        (
            {"accept": ["docker ps -a"] * (MAX_EXAMPLES_PER_KIND + 1)},
            f"at most {MAX_EXAMPLES_PER_KIND} examples",
        ),
    ],
)
def test_badly_shaped_examples_are_reported_by_path(examples: object, message: str) -> None:
    spec = {**_command_spec(), "examples": examples}

    errors = DOCKER_COMMAND.validate_spec(spec)

    assert any(message in error for error in errors), errors


def test_examples_are_not_graded_against_an_invalid_key() -> None:
    spec = {**_command_spec(accept=["docker ps"]), "answers": [{"command": "docker nonsense"}]}

    errors = DOCKER_COMMAND.validate_spec(spec)

    assert any("does not parse" in error for error in errors)
    assert not any(error.startswith("examples") for error in errors)


def test_choice_types_take_no_examples() -> None:
    spec = {**spec_of("single_choice"), "examples": {"accept": ["x"]}}

    assert QUESTION_TYPES["single_choice"].validate_spec(spec) == ["examples: unknown field"]


def test_parameterised_examples_are_checked_in_each_variant_and_reported_once() -> None:
    # given a key that depends on the drawn name and an example that forgets the placeholder
    spec = {
        "prompt": "Remove the container {{name}}.",
        "feedback": FEEDBACK,
        "parameters": {"name": {"choice": ["web", "api", "db"]}},
        "answers": [{"command": "docker rm {{name}}"}],
        "examples": {"accept": ["docker rm {{name}}", "docker rm web"], "reject": ["docker rm"]},
    }
    # when it is validated
    errors = DOCKER_COMMAND.validate_spec(spec)
    # then the fixed answer fails for a variant other than web, named once with its values
    assert len(errors) == 1
    assert errors[0].startswith('examples.accept[1]: "docker rm web" earns 0%')
    assert errors[0].endswith("(with name='api')") or errors[0].endswith("(with name='db')")


def test_validation_grades_a_bounded_number_of_variants() -> None:
    spec = {
        "prompt": "Show the last {{lines}} lines of web's log.",
        "feedback": FEEDBACK,
        "parameters": {"lines": {"integer": [1, 1000]}},
        "answers": [{"command": "docker logs --tail {{lines}} web"}],
        "examples": {"accept": ["docker logs --tail {{lines}} web"], "reject": []},
    }
    graded: list[object] = []
    original = DOCKER_COMMAND.grade

    def counting(variant: Any, response: object) -> Any:
        graded.append(response)
        return original(variant, response)

    DOCKER_COMMAND.grade = counting  # type: ignore[method-assign]
    try:
        assert DOCKER_COMMAND.validate_spec(spec) == []
    finally:
        del DOCKER_COMMAND.grade  # type: ignore[method-assign]

    assert len(graded) == EXAMPLE_VARIANTS_CHECKED


def test_example_checks_report_fraction_and_agreement_for_each_example() -> None:
    spec = spec_of("short_text")
    answer = spec["answers"][0]["text"]
    spec["examples"] = {"accept": [answer, f"`{answer}`."], "reject": ["nothing like it"]}

    checks = example_checks(SHORT_TEXT, spec)

    assert [(check.example.kind, check.fraction, check.agrees) for check in checks] == [
        ("accept", 1.0, True),
        ("accept", 1.0, True),
        ("reject", 0.0, True),
    ]


def test_numeric_and_dockerfile_types_take_examples_too() -> None:
    numeric = {**spec_of("numeric"), "examples": {"accept": [], "reject": ["not a number"]}}
    dockerfile = spec_of("dockerfile")
    dockerfile["examples"] = {"accept": [], "reject": [dockerfile["starter"]]}

    assert "not a valid answer" in QUESTION_TYPES["numeric"].validate_spec(numeric)[0]
    assert QUESTION_TYPES["dockerfile"].validate_spec(dockerfile) == []


def test_a_quoted_answer_is_one_short_line() -> None:
    dockerfile = "FROM node:18.17.1-alpine3.18\nWORKDIR /app\n"

    assert quote_answer(dockerfile) == '"FROM node:18.17.1-alpine3.18 …"'
    assert quote_answer({"dockerfile": dockerfile, "dockerignore": ".env"}).startswith('"FROM')
    assert quote_answer("x" * 100).endswith('…"')
