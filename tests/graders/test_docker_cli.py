import pytest

from graders.docker_cli import (
    CORRECT_MESSAGE,
    DifferenceKind,
    DockerCommandError,
    commands_equivalent,
    compare,
    parse_command,
)

EQUIVALENT = [
    pytest.param("docker ps -a", "docker ps --all", id="all-as-long-form-of-a"),
    pytest.param("docker ps -a", "docker container ls -a", id="ps-is-container-ls"),
    pytest.param("docker ps --all", "docker container list --all", id="container-list"),
    pytest.param("docker container ps -a", "docker ps -a", id="container-ps"),
    pytest.param(
        "docker run -d -p 8080:3000 --name web nginx:1.25",
        "docker container run --publish 8080:3000 --detach --name=web nginx:1.25",
        id="run-long-forms-in-another-order",
    ),
    pytest.param(
        "docker run -d -p 8080:3000 --name web nginx:1.25",
        "docker run --name web -p 8080:3000 -d nginx:1.25",
        id="run-flags-in-any-order",
    ),
    pytest.param("docker rm -f x", "docker container rm --force x", id="rm-force"),
    pytest.param("docker rm -f x", "docker rm x -f", id="flag-after-argument"),
    pytest.param("docker run -it ubuntu:22.04 bash", "docker run -i -t ubuntu:22.04 bash", id="it"),
    pytest.param(
        "docker run -it ubuntu:22.04 bash",
        "docker run --interactive --tty ubuntu:22.04 bash",
        id="it-long",
    ),
    pytest.param(
        "docker exec -it myapp /bin/sh",
        "docker container exec --tty --interactive myapp /bin/sh",
        id="exec-it",
    ),
    pytest.param(
        "docker run -p 8080:3000 app:1", "docker run -p 8080:3000/tcp app:1", id="tcp-default"
    ),
    pytest.param(
        "docker run --memory 512m app:1", "docker run --memory=512M app:1", id="memory-case"
    ),
    pytest.param("docker run -m 1g app:1", "docker run --memory 1024m app:1", id="memory-units"),
    pytest.param("docker run --cpus 1.0 app:1", "docker run --cpus=1 app:1", id="cpus-decimal"),
    pytest.param(
        "docker run -p 80:80 -p 443:443 app:1",
        "docker run -p 443:443 -p 80:80 app:1",
        id="repeated-publish-as-multiset",
    ),
    pytest.param(
        "docker run -e A=1 -e B=2 app:1",
        "docker run --env B=2 --env=A=1 app:1",
        id="repeated-env-as-multiset",
    ),
    pytest.param("docker images", "docker image ls", id="images"),
    pytest.param("docker images", "docker image list", id="image-list"),
    pytest.param("docker rmi myapp:v1.0", "docker image rm myapp:v1.0", id="rmi"),
    pytest.param(
        "docker build -t myapp:v1.0 .", "docker image build --tag myapp:v1.0 .", id="build-tag"
    ),
    pytest.param("docker build -t myapp .", "docker build -t myapp:latest .", id="implicit-latest"),
    pytest.param(
        "docker pull nginx", "docker pull docker.io/library/nginx:latest", id="docker-hub-name"
    ),
    pytest.param("docker logs -f myapp", "docker logs --follow myapp", id="logs-follow"),
    pytest.param("docker logs --tail 100 myapp", "docker logs -n 100 myapp", id="logs-tail"),
    pytest.param("docker run -d app:1", "docker run --detach=true app:1", id="switch-true"),
    pytest.param("docker run app:1", "docker run --rm=false app:1", id="switch-false"),
    pytest.param("docker run -p 8080:3000 app:1", "docker run -p8080:3000 app:1", id="attached"),
    pytest.param(
        "docker run -d -p 8080:3000 app:1", "docker run -dp 8080:3000 app:1", id="cluster-value"
    ),
    pytest.param("docker rm a b", "docker rm b a", id="targets-unordered"),
    pytest.param("docker network ls", "docker network list", id="network-list"),
    pytest.param("docker volume rm mydata", "docker volume remove mydata", id="volume-remove"),
    pytest.param(
        "docker run -d --name myapp -p 8080:3000 myapp:latest",
        "docker run -d \\\n  --name myapp \\\n  -p 8080:3000 \\\n  myapp:latest",
        id="backslash-continuation",
    ),
    pytest.param("docker run --net host app:1", "docker run --network host app:1", id="net"),
    pytest.param("docker-compose up -d", "docker compose up --detach", id="compose-v1"),
    pytest.param(
        "docker compose -f a.yml logs -f web",
        "docker compose --file=a.yml logs --follow web",
        id="compose-file-and-follow",
    ),
    pytest.param("docker run --name a --name b x:1", "docker run --name b x:1", id="last-wins"),
    pytest.param("$ docker ps", "docker ps", id="prompt"),
    pytest.param(
        "docker system prune -a --volumes", "docker system prune --volumes --all", id="prune"
    ),
    pytest.param("docker info", "docker system info", id="info"),
]


@pytest.mark.parametrize(("first", "second"), EQUIVALENT)
def test_it_accepts_equivalent_spellings_of_the_same_command(first: str, second: str) -> None:
    assert commands_equivalent(first, second)
    assert commands_equivalent(second, first)


NOT_EQUIVALENT = [
    pytest.param("docker run -p 8080:3000 app:1", "docker run -p 8081:3000 app:1", id="wrong-port"),
    pytest.param("docker ps -a", "docker ps", id="missing-a"),
    pytest.param(
        "docker run --name web nginx:1.25", "docker run --name webapp nginx:1.25", id="wrong-name"
    ),
    pytest.param("docker run -d nginx:1.25", "docker run -d --rm nginx:1.25", id="extra-flag"),
    pytest.param("docker run nginx:1.25", "docker run nginx:1.24", id="different-tag"),
    pytest.param("docker pull nginx", "docker pull nginx:1.25", id="untagged-is-latest"),
    pytest.param("docker ps", "docker images", id="different-subcommand"),
    pytest.param(
        "docker run alpine:3.19 echo a b", "docker run alpine:3.19 echo b a", id="command-order"
    ),
    pytest.param("docker rm -f x", "docker rm x", id="missing-force"),
    pytest.param(
        "docker run -p 8080:3000 app:1",
        "docker run -p 0.0.0.0:8080:3000 app:1",
        id="host-ip-is-not-default",
    ),
    pytest.param(
        "docker run -p 8080:3000 app:1", "docker run -p 8080:3000/udp app:1", id="udp-port"
    ),
    pytest.param("docker run -d nginx:1.25", "docker run nginx:1.25 -d", id="flag-after-image"),
    pytest.param("docker inspect x", "docker container inspect x", id="generic-inspect"),
    pytest.param("docker run -p 80:80 app:1", "docker run -p 80:80 -p 80:80 app:1", id="dup"),
]


@pytest.mark.parametrize(("expected", "given"), NOT_EQUIVALENT)
def test_it_tells_near_misses_apart(expected: str, given: str) -> None:
    assert not commands_equivalent(expected, given)
    assert not compare(expected, given).equivalent


def test_it_reads_t_as_tag_for_build_but_tty_for_run() -> None:
    build = parse_command("docker build -t app:1 .")
    run = parse_command("docker run -t app:1")

    assert [option.name for option in build.options] == ["--tag"]
    assert [option.name for option in run.options] == ["--tty"]


def test_it_reads_f_as_filter_for_ps_follow_for_logs_and_force_for_rm() -> None:
    names = [
        parse_command(text).options[0].name
        for text in ("docker ps -f status=exited", "docker logs -f app", "docker rm -f app")
    ]

    assert names == ["--filter", "--follow", "--force"]


def test_it_keeps_the_container_command_verbatim_and_in_order() -> None:
    command = parse_command('docker run --rm alpine:3.19 sh -c "echo hi && ls -la" -v')

    assert [value.typed for value in command.arguments] == [
        "alpine:3.19",
        "sh",
        "-c",
        "echo hi && ls -la",
        "-v",
    ]
    assert command.option("--volume") is None


def test_it_names_the_canonical_path_and_keeps_what_was_typed() -> None:
    command = parse_command("docker ps -a")

    assert command.path == ("container", "ls")
    assert command.display == "docker ps"


# --- compare: learner-facing differences ----------------------------------------------------


def test_compare_reports_a_correct_command() -> None:
    result = compare("docker ps -a", "docker container ls --all")

    assert result.equivalent
    assert result.differences == ()
    assert result.message == CORRECT_MESSAGE


def test_compare_names_a_missing_flag() -> None:
    result = compare("docker ps -a", "docker ps")

    assert [item.kind for item in result.differences] == [DifferenceKind.MISSING_OPTION]
    assert "Missing flag `--all` (`-a`)" in result.message


def test_compare_names_an_unexpected_flag() -> None:
    result = compare("docker run -d nginx:1.25", "docker run -d --rm nginx:1.25")

    assert [item.kind for item in result.differences] == [DifferenceKind.UNEXPECTED_OPTION]
    assert result.differences[0].option == "--rm"


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


def test_compare_turns_an_unparseable_answer_into_feedback_instead_of_an_error() -> None:
    result = compare("docker ps", "docker ps 'unclosed")

    assert not result.equivalent
    assert result.given is None
    assert [item.kind for item in result.differences] == [DifferenceKind.INVALID_COMMAND]
    assert "quote" in result.message


def test_compare_raises_when_the_expected_command_is_broken() -> None:
    with pytest.raises(DockerCommandError):
        compare("docker frobnicate", "docker ps")


# --- errors ---------------------------------------------------------------------------------

ERRORS = [
    pytest.param("docker run -e 'A=1 nginx", "quote", id="unbalanced-quote"),
    pytest.param("", "empty", id="empty"),
    pytest.param("   \n ", "empty", id="whitespace-only"),
    pytest.param("ls -la", "not a docker command", id="not-docker"),
    pytest.param("docker frobnicate", "`docker frobnicate`", id="unknown-subcommand"),
    pytest.param("docker image frob", "`docker image` has", id="unknown-image-subcommand"),
    pytest.param("docker image", "needs a subcommand", id="group-without-subcommand"),
    pytest.param("docker", "needs a command", id="docker-alone"),
    pytest.param("docker ps --frob", "does not expect `--frob`", id="unknown-long-flag"),
    pytest.param(
        "docker ps -az", "does not expect `-z` (in `-az`)", id="unknown-short-flag-in-cluster"
    ),
    pytest.param("docker logs web --tail", "needs a value", id="missing-value-at-the-end"),
    pytest.param("docker run --name -d nginx:1.25", "but `-d` follows it", id="flag-as-value"),
    pytest.param("docker ps | grep web", "shell operators", id="pipe"),
    pytest.param("docker run", "expects IMAGE", id="run-without-image"),
    pytest.param("docker ps web", "takes no arguments", id="ps-with-argument"),
    pytest.param("docker run --detach=maybe app:1", "not true or false", id="bad-boolean"),
    pytest.param("docker run --memory lots app:1", "invalid", id="bad-memory"),
    pytest.param("docker --frob ps", "does not expect `--frob` with `docker`:", id="global-option"),
    pytest.param(
        "docker tag only-one", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", id="tag-needs-two"
    ),
]


@pytest.mark.parametrize(("text", "fragment"), ERRORS)
def test_it_rejects_unparseable_commands_with_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(DockerCommandError) as raised:
        parse_command(text)

    assert fragment in str(raised.value)


def test_error_messages_use_the_command_as_the_learner_typed_it() -> None:
    with pytest.raises(DockerCommandError, match=r"does not expect `--frob` with `docker ps`"):
        parse_command("docker ps --frob")
