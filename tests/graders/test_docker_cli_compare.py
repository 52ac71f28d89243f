"""compare(): what differs from the expected command, which extra flags a task excuses, and how
far an answer has come between a partial and a full answer."""

import pytest

from graders.docker_cli import (
    CORRECT_MESSAGE,
    DifferenceKind,
    DockerCommandError,
    FlagPolicy,
    compare,
    parse_command,
)
from graders.docker_cli_compare import progress_between


def test_compare_reports_a_correct_command() -> None:
    result = compare("docker ps -a", "docker container ls --all")

    assert result.equivalent
    assert result.accepted
    assert result.differences == ()
    assert result.message == CORRECT_MESSAGE


def test_compare_names_a_missing_flag() -> None:
    result = compare("docker ps -a", "docker ps")

    assert [item.kind for item in result.differences] == [DifferenceKind.MISSING_OPTION]
    assert "Missing flag `--all` (`-a`)" in result.message


def test_compare_names_a_wrong_value_as_the_learner_typed_it() -> None:
    result = compare("docker run --name web nginx:1.25", "docker run --name=webapp nginx:1.25")

    difference = result.differences[0]
    assert difference.kind is DifferenceKind.WRONG_OPTION_VALUE
    assert (difference.expected, difference.given) == ("web", "webapp")
    assert "expected `web`, got `webapp`" in result.message


def test_compare_lists_missing_and_extra_values_of_a_repeated_flag() -> None:
    result = compare(
        "docker run -p 80:80 -p 443:443 app:1", "docker run -p 80:80 -p 8443:443 app:1"
    )

    assert result.message == (
        "Wrong value for `--publish` (`-p`): missing `443:443`; unexpected `8443:443`."
    )


def test_compare_names_a_wrong_subcommand_and_nothing_else() -> None:
    result = compare("docker ps -a", "docker images -a")

    assert [item.kind for item in result.differences] == [DifferenceKind.WRONG_COMMAND]
    assert "`docker ps`, not `docker images`" in result.message


def test_compare_names_a_wrong_image() -> None:
    result = compare("docker run -d nginx:1.25", "docker run -d nginx:1.24")

    assert [item.kind for item in result.differences] == [DifferenceKind.WRONG_IMAGE]
    assert "expected `nginx:1.25`, got `nginx:1.24`" in result.message


def test_compare_names_wrong_arguments() -> None:
    result = compare("docker stop myapp", "docker stop web")

    assert [item.kind for item in result.differences] == [DifferenceKind.WRONG_ARGUMENTS]


def test_compare_explains_missing_capabilities_in_the_task_s_terms() -> None:
    result = compare(
        "docker run --cap-drop ALL --cap-add NET_BIND_SERVICE app:1",
        "docker run --cap-add NET_BIND_SERVICE app:1",
    )

    assert "keeps Docker's default capabilities" in result.message
    assert "`NET_BIND_SERVICE`" in result.message


def test_compare_names_a_missing_mount_as_typed() -> None:
    result = compare("docker run -v mydata:/app/data app:1", "docker run app:1")

    assert result.message == "Missing mount `mydata:/app/data` (`-v`, `--mount` or `--tmpfs`)."


def test_compare_turns_an_unparseable_answer_into_feedback_instead_of_an_error() -> None:
    result = compare("docker ps", "docker ps 'unclosed")

    assert not result.equivalent
    assert not result.accepted
    assert result.given is None
    assert [item.kind for item in result.differences] == [DifferenceKind.INVALID_COMMAND]
    assert "quote" in result.message


def test_compare_raises_when_the_expected_command_is_broken() -> None:
    with pytest.raises(DockerCommandError):
        compare("docker frobnicate", "docker ps")


# --- extra flags a task does not mention ------------------------------------------------------

EXCUSED_BY_DEFAULT = [
    pytest.param("docker ps -a", "docker ps -a --no-trunc", "how the output looks", id="no-trunc"),
    pytest.param("docker logs web", "docker logs -t web", "how the output looks", id="timestamps"),
    pytest.param("docker images", "docker images --digests", "output looks", id="digests"),
    pytest.param("docker ps", "docker -D ps", "output looks", id="debug-output"),
    pytest.param("docker system prune", "docker system prune -f", "confirmation", id="force"),
    pytest.param(
        "docker run --read-only nginx", "docker run --rm --read-only nginx", "lives", id="rm"
    ),
    pytest.param("docker run --read-only nginx", "docker run -d --read-only nginx", "", id="d"),
    pytest.param(
        "docker run -d --name web nginx", "docker run -d --rm --name web nginx", "", id="rm-with-d"
    ),
    pytest.param("docker compose up", "docker compose up -d", "", id="compose-up-d"),
]


@pytest.mark.parametrize(("expected", "given", "reason"), EXCUSED_BY_DEFAULT)
def test_flags_that_change_only_presentation_or_lifetime_are_excused(
    expected: str, given: str, reason: str
) -> None:
    result = compare(expected, given)

    assert result.accepted
    assert not result.equivalent
    assert "is not needed here, but it does no harm" in result.remarks[0]
    assert reason in result.remarks[0]


NOT_EXCUSED_BY_DEFAULT = [
    pytest.param("docker ps -a", "docker ps -a -q", "`--quiet` (`-q`)", id="quiet-chooses-output"),
    pytest.param("docker ps", "docker ps --format '{{.ID}}'", "`--format`", id="format"),
    pytest.param("docker logs web", "docker logs --tail 5 web", "`--tail`", id="tail"),
    pytest.param("docker ps", "docker ps -f status=exited", "`--filter`", id="filter"),
    pytest.param(
        "docker run -it ubuntu bash", "docker run -dit ubuntu bash", "`--detach`", id="d-it"
    ),
    pytest.param(
        "docker run alpine echo hi", "docker run -d alpine echo hi", "`--detach`", id="d-one-off"
    ),
    pytest.param("docker run -i alpine cat", "docker run -i -d alpine cat", "`--detach`", id="d-i"),
    pytest.param("docker run nginx", "docker run --name web nginx", "`--name`", id="name"),
    pytest.param("docker exec web ls", "docker exec -d web ls", "`--detach`", id="exec-d"),
]


@pytest.mark.parametrize(("expected", "given", "flag"), NOT_EXCUSED_BY_DEFAULT)
def test_flags_that_may_be_the_task_are_differences(expected: str, given: str, flag: str) -> None:
    result = compare(expected, given)

    assert result.given is not None
    assert not result.accepted
    assert flag in result.message


def test_an_extra_risky_flag_is_explained_by_what_it_does() -> None:
    result = compare("docker run nginx", "docker run --privileged nginx")

    assert result.message == (
        "`--privileged` is not needed here and gives the container full control of the host."
    )


def test_an_extra_host_network_is_explained_by_what_it_does() -> None:
    result = compare("docker run nginx", "docker run --network host nginx")

    assert "removes the container's network isolation" in result.message


def test_a_declared_neutral_flag_is_accepted_with_a_remark() -> None:
    policy = FlagPolicy(neutral=("--name",))

    result = compare("docker run -d nginx", "docker run -d --name web nginx", policy=policy)

    assert result.accepted
    assert result.remarks == ("`--name` is not needed here, but it does no harm.",)


def test_a_declared_neutral_flag_may_be_named_by_its_short_form() -> None:
    policy = FlagPolicy(neutral=("-P",))

    assert compare("docker run nginx", "docker run -P nginx", policy=policy).accepted


def test_a_declared_wrong_flag_is_a_difference_with_the_author_s_reason() -> None:
    policy = FlagPolicy(wrong={"--rm": "the logs must survive the container."})

    result = compare("docker run -d nginx", "docker run -d --rm nginx", policy=policy)

    assert not result.accepted
    assert result.message == "`--rm` is wrong here: the logs must survive the container."


def test_a_declared_wrong_flag_names_a_merged_setting_by_any_of_its_flags() -> None:
    policy = FlagPolicy(wrong={"-v": "the task asks for a bind mount of nothing."})

    result = compare("docker run nginx", "docker run --volume data:/d nginx", policy=policy)

    assert "is wrong here: the task asks for a bind mount of nothing." in result.message


# --- partial credit: how far between a partial and a full answer -------------------------------


def _progress(partial: str, full: str, given: str, *alternatives: str) -> float | None:
    return progress_between(
        parse_command(partial),
        parse_command(full),
        parse_command(given),
        policy=FlagPolicy(),
        alternatives=[parse_command(text) for text in alternatives],
    )


def test_a_working_non_tty_shell_is_half_way_to_an_interactive_one() -> None:
    progress = _progress("docker exec web sh", "docker exec -it web sh", "docker exec -i web sh")

    assert progress == 0.5


def test_a_tty_with_no_stdin_to_type_into_is_no_progress() -> None:
    progress = _progress("docker exec web sh", "docker exec -it web sh", "docker exec -t web sh")

    assert progress == 0


def test_an_answer_outside_both_is_not_between_them() -> None:
    progress = _progress(
        "docker exec web sh", "docker exec -it web sh", "docker exec -i -u root web sh"
    )

    assert progress is None


def test_a_difference_another_full_answer_accepts_is_no_step() -> None:
    # /bin/sh and sh are both full-credit shells here; only -i and -t are steps.
    progress = _progress(
        "docker exec web /bin/sh",
        "docker exec -it web sh",
        "docker exec -i web sh",
        "docker exec -it web /bin/sh",
        "docker exec -it web sh",
    )

    assert progress == 0.5


def test_reaching_the_full_answer_is_not_partial_progress() -> None:
    progress = _progress("docker exec web sh", "docker exec -it web sh", "docker exec -ti web sh")

    assert progress is None
