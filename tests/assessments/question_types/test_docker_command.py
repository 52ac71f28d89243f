"""docker_command: compared by meaning through graders.docker_cli."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError
from tests.question_examples import spec_of

DOCKER_COMMAND = QUESTION_TYPES["docker_command"]


def docker_command() -> dict[str, Any]:
    """`docker ps -a` earns 1, `docker ps -a --no-trunc` 0.5."""
    return spec_of("docker_command")


@pytest.mark.parametrize(
    "given",
    ["docker ps -a", "docker ps --all", "docker container ls --all", "docker container list -a"],
)
def test_equivalent_commands_get_full_credit(given: str) -> None:
    spec = docker_command()

    grade = DOCKER_COMMAND.grade(spec, given)

    assert grade.fraction == 1
    assert grade.correct
    assert grade.parts[0].feedback == spec["answers"][0]["feedback"]


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
    spec = docker_command()

    grade = DOCKER_COMMAND.grade(spec, "docker container ls --no-trunc -a")

    assert grade.fraction == 0.5
    assert grade.parts[0].feedback == spec["answers"][1]["feedback"]
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


def _exec_shell() -> dict[str, object]:
    spec = docker_command()
    spec["prompt"] = "Open an interactive shell in the running container `web`."
    spec["answers"] = [
        {"command": "docker exec -it web /bin/sh", "fraction": 1, "feedback": "Right."},
        {"command": "docker exec -it web sh", "fraction": 1, "feedback": "Right."},
        {"command": "docker exec web /bin/sh", "fraction": 0.5, "feedback": "No terminal."},
        {"command": "docker run -it web /bin/sh", "fraction": 0, "feedback": "A new container."},
    ]
    return spec


@pytest.mark.parametrize(
    ("given", "fraction"),
    [
        ("docker exec -it web sh", 1),
        ("docker exec web /bin/sh", 0.5),
        ("docker exec -i web /bin/sh", 0.75),
        ("docker exec -i web sh", 0.75),
        ("docker exec -t web sh", 0.5),
        ("docker exec -i -u root web sh", 0),
        ("docker run -it web /bin/sh", 0),
    ],
)
def test_partial_credit_ranks_answers_by_how_usable_they_are(given: str, fraction: float) -> None:
    grade = DOCKER_COMMAND.grade(_exec_shell(), given)

    assert grade.fraction == fraction


def test_a_response_between_a_partial_and_a_full_answer_is_told_what_is_left() -> None:
    grade = DOCKER_COMMAND.grade(_exec_shell(), "docker exec -i web sh")

    assert grade.explanation.startswith("Partly correct (75%).")
    assert "Missing flag `--tty` (`-t`)" in grade.explanation


def test_a_harmless_extra_flag_keeps_full_credit_and_is_remarked_on() -> None:
    spec = docker_command()
    spec["answers"] = [{"command": "docker run --read-only nginx:1.25", "fraction": 1}]

    grade = DOCKER_COMMAND.grade(spec, "docker run --rm -d --read-only nginx:1.25")

    assert grade.fraction == 1
    assert "`--rm` is not needed here, but it does no harm" in grade.explanation
    assert "`--detach` (`-d`) is not needed here, but it does no harm" in grade.explanation


def test_a_listed_answer_with_a_lower_fraction_beats_excusing_its_flag() -> None:
    # The example lists `--no-trunc` at half credit: the author's word wins over the default.
    grade = DOCKER_COMMAND.grade(docker_command(), "docker ps --all --no-trunc")

    assert grade.fraction == 0.5


def test_a_partial_answer_cannot_excuse_a_flag_the_full_answer_asks_for() -> None:
    spec = docker_command()
    spec["answers"] = [
        {"command": "docker run -d --name edge nginx", "fraction": 1},
        {"command": "docker run --name edge nginx", "fraction": 0.5},
    ]

    assert DOCKER_COMMAND.grade(spec, "docker run -d --rm --name edge nginx").fraction == 1
    assert DOCKER_COMMAND.grade(spec, "docker run --rm --name edge nginx").fraction == 0.5


def test_declared_neutral_flags_are_accepted() -> None:
    spec = docker_command()
    spec["answers"] = [{"command": "docker run -d nginx:1.25", "fraction": 1}]
    spec["neutral_flags"] = ["--name", "-p"]

    grade = DOCKER_COMMAND.grade(spec, "docker run -d --name web -p 8080:80 nginx:1.25")

    assert grade.fraction == 1
    assert "`--name` is not needed here, but it does no harm." in grade.explanation


def test_declared_wrong_flags_cost_the_credit_with_the_author_s_reason() -> None:
    spec = docker_command()
    spec["answers"] = [{"command": "docker run -d nginx:1.25", "fraction": 1}]
    spec["wrong_flags"] = {"--rm": "the container must stay for `docker logs` after it stops."}

    grade = DOCKER_COMMAND.grade(spec, "docker run -d --rm nginx:1.25")

    assert grade.fraction == 0
    assert "`--rm` is wrong here: the container must stay for `docker logs`" in grade.explanation


def test_an_unneeded_real_flag_is_never_called_unknown() -> None:
    grade = DOCKER_COMMAND.grade(docker_command(), "docker ps -a --privileged")

    assert grade.fraction == 0
    assert "does not expect `--privileged`" in grade.explanation
    assert "exist" not in grade.explanation


def test_a_risky_extra_flag_is_explained_by_what_it_does() -> None:
    spec = docker_command()
    spec["answers"] = [{"command": "docker run -d nginx:1.25", "fraction": 1}]

    grade = DOCKER_COMMAND.grade(spec, "docker run -d --privileged nginx:1.25")

    assert "`--privileged` is not needed here and gives the container full control" in (
        grade.explanation
    )


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"neutral_flags": "--rm"}, "neutral_flags: must be a list of flags"),
        ({"neutral_flags": ["--frob"]}, "neutral_flags.--frob: is not a flag of the answers'"),
        ({"wrong_flags": ["--rm"]}, "wrong_flags: must map each flag to the reason"),
        ({"wrong_flags": {"--rm": ""}}, "wrong_flags: must map each flag to the reason"),
        ({"wrong_flags": {"--tty": "no"}}, "wrong_flags.--tty: is not a flag of the answers'"),
        (
            {"neutral_flags": ["-q"], "wrong_flags": {"-q": "ids only"}},
            "wrong_flags.-q: is also in neutral_flags",
        ),
        ({"wrong_flags": {"-a": "all"}}, "wrong_flags.-a: answers[0] earns full credit with it"),
    ],
)
def test_flag_declarations_are_validated(fields: dict[str, object], error: str) -> None:
    spec = docker_command() | fields

    assert any(item.startswith(error) for item in DOCKER_COMMAND.validate_spec(spec))


def test_valid_flag_declarations_pass_validation() -> None:
    spec = docker_command() | {"neutral_flags": ["-s", "--no-trunc"], "wrong_flags": {"-q": "x"}}

    assert DOCKER_COMMAND.validate_spec(spec) == []
