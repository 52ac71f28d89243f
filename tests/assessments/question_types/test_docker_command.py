"""docker_command: compared by meaning through graders.docker_cli."""

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError

from .examples import docker_command

DOCKER_COMMAND = QUESTION_TYPES["docker_command"]


@pytest.mark.parametrize(
    "given",
    ["docker ps -a", "docker ps --all", "docker container ls --all", "docker container list -a"],
)
def test_equivalent_commands_get_full_credit(given: str) -> None:
    grade = DOCKER_COMMAND.grade(docker_command(), given)

    assert grade.fraction == 1
    assert grade.correct
    assert grade.parts[0].feedback == "All containers, any state."


def test_a_missing_flag_scores_zero_and_names_the_flag() -> None:
    grade = DOCKER_COMMAND.grade(docker_command(), "docker ps")

    assert grade.fraction == 0
    assert not grade.correct
    assert "Missing flag" in grade.explanation
    assert "--all" in grade.explanation


def test_an_extra_flag_is_named() -> None:
    grade = DOCKER_COMMAND.grade(docker_command(), "docker ps -a -q")

    assert grade.fraction == 0
    assert "--quiet" in grade.explanation


def test_a_partial_answer_gives_its_fraction_and_feedback() -> None:
    grade = DOCKER_COMMAND.grade(docker_command(), "docker container ls --no-trunc -a")

    assert grade.fraction == 0.5
    assert grade.parts[0].feedback == "Works, but the full ids are noise here."
    assert "--no-trunc" in grade.explanation


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("dockr ps -a", "dockr"),
        ("docker ps 'unclosed", "quot"),
        ("ls -la", "not a docker command"),
    ],
)
def test_an_unparseable_command_scores_zero_with_the_parser_message(
    given: str, message: str
) -> None:
    grade = DOCKER_COMMAND.grade(docker_command(), given)

    assert grade.fraction == 0
    assert message in grade.explanation
    assert message in grade.parts[0].feedback


@pytest.mark.parametrize(
    ("raw", "message"), [("", "Type a command"), ("  ", "Type a command"), (["docker"], "text")]
)
def test_it_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        DOCKER_COMMAND.normalise_response(docker_command(), raw)


def test_an_answer_that_does_not_parse_is_a_spec_error() -> None:
    spec = docker_command()
    spec["answers"][1]["command"] = "docker pss -a"

    errors = DOCKER_COMMAND.validate_spec(spec)

    assert len(errors) == 1
    assert errors[0].startswith("answers[1].command: does not parse: ")


def test_go_templates_in_answers_are_not_parameters() -> None:
    spec = docker_command()
    spec["answers"] = [{"command": "docker inspect --format '{{.State.Running}}' web"}]

    assert DOCKER_COMMAND.validate_spec(spec) == []
