import pytest

from graders.docker_cli import (
    DockerCommandError,
    commands_equivalent,
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


REFUSED_BY_DOCKER = [
    pytest.param("docker run --rm --restart always nginx", "--restart", id="rm-with-restart"),
    pytest.param("docker run -d -a stdout nginx", "--attach", id="attach-with-detach"),
    pytest.param("docker run --no-healthcheck --health-cmd true nginx", "healthcheck", id="health"),
    pytest.param("docker run --log-driver none --log-opt a=b nginx", "log", id="log-none"),
    pytest.param("docker run --cpus 1 --cpu-quota 1000 nginx", "--cpus", id="cpus-and-quota"),
    pytest.param(
        "docker run -v /a:/b -v /c:/b nginx", "same destination", id="two-mounts-one-dest"
    ),
    pytest.param("docker run --cap-add NET_BIND nginx", "capability", id="unknown-capability"),
    pytest.param("docker run --restart sometimes nginx", "restart policy", id="unknown-restart"),
    pytest.param("docker run --restart always:3 nginx", "on-failure", id="retries-not-on-failure"),
    pytest.param("docker run --security-opt bogus nginx", "security option", id="security-opt"),
    pytest.param("docker run --health-interval 5 nginx", "duration", id="duration-without-unit"),
    pytest.param("docker run --mount type=bind,src=/a nginx", "target", id="mount-without-target"),
    pytest.param(
        "docker run --mount type=bind,src=data,dst=/d nginx", "absolute", id="relative-bind"
    ),
    pytest.param(
        "docker run --mount type=volume,dst=/d,bind-propagation=shared nginx",
        "does not go",
        id="option-of-other-type",
    ),
    pytest.param("docker run -v data:/d:bogus nginx", "volume option", id="volume-mode"),
    pytest.param("docker run --mount src=/srv,dst=/d nginx", "add type=bind", id="path-as-volume"),
    pytest.param("docker run -v data/sub:/d nginx", "not a volume name", id="volume-name"),
    pytest.param("docker run -p 70000:80 nginx", "port", id="port-range"),
    pytest.param("docker run -p 8080:80/xyz nginx", "protocol", id="protocol"),
    pytest.param("docker run --add-host db nginx", "host:ip", id="add-host"),
    pytest.param("docker run --ulimit nofile=2:1 nginx", "soft limit", id="ulimit"),
    pytest.param("docker run --sysctl kernel.hostname=x nginx", "sysctl", id="sysctl"),
    pytest.param("docker run MyImage", "lowercase", id="uppercase-image"),
    pytest.param("docker pull -a nginx:1.25", "without a tag", id="all-tags-with-tag"),
    pytest.param("docker volume create --name a b", "not both", id="volume-name-twice"),
    pytest.param("docker network create --gateway 10.0.0.1 n", "--subnet", id="gateway-no-subnet"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED_BY_DOCKER)
def test_it_refuses_what_docker_refuses(text: str, fragment: str) -> None:
    with pytest.raises(DockerCommandError) as raised:
        parse_command(text)

    assert fragment in str(raised.value)


@pytest.mark.parametrize(
    "text",
    [
        "docker -H unix:///var/run/docker.sock ps",
        "docker --context default --log-level debug images",
        "docker -D --config ~/.docker version",
        "docker --tls --tlsverify --tlscacert ca.pem -H tcp://10.0.0.1:2376 info",
        "docker --version",
        "docker compose -f compose.yaml -p shop --profile debug up -d",
        "docker-compose -f a.yml up -d",
        "sudo docker ps",
        "docker run --memory-swap -1 --pids-limit -1 --oom-score-adj -500 nginx",
        "docker logs --tail -1 web",
        'docker run --rm -v "$(pwd)":/app -w /app node:18 npm test',
        "docker run --user $(id -u):$(id -g) alpine id",
        "docker rm -f $(docker ps -aq)",
        "docker save nginx > nginx.tar",
        "docker load < nginx.tar",
        "docker logs web > web.log 2>&1",
        "docker run --help",
        "docker buildx build --platform linux/amd64,linux/arm64 -t user/app:1.0 --push .",
        "docker build https://github.com/docker/rootfs.git#container:docker",
        "docker run -p [::1]:8080:80 nginx",
        'docker run --health-cmd "curl -f http://localhost/ || exit 1" nginx',
        "docker compose exec db psql -U postgres",
        "docker top web aux",
    ],
)
def test_it_reads_real_command_lines(text: str) -> None:
    assert parse_command(text).path


def test_global_options_come_before_the_command_and_count() -> None:
    command = parse_command("docker -H tcp://10.0.0.1:2375 ps")

    assert command.path == ("container", "ls")
    assert command.option("--host") is not None
    assert not commands_equivalent("docker -H tcp://10.0.0.1:2375 ps", "docker ps")


def test_a_value_may_start_with_a_dash_unless_it_is_a_flag_of_the_command() -> None:
    assert parse_command("docker run --memory-swap -1 nginx").option("--memory-swap")
    with pytest.raises(DockerCommandError, match="needs a value, but `-d` follows it"):
        parse_command("docker run --name -d nginx")


def test_a_switch_value_needs_an_equals_sign() -> None:
    # pflag: `--detach false` is the switch followed by the image `false`.
    command = parse_command("docker run --detach false nginx")

    assert [value.typed for value in command.arguments] == ["false", "nginx"]


def test_unknown_flags_are_named_without_claiming_docker_lacks_them() -> None:
    with pytest.raises(DockerCommandError) as raised:
        parse_command("docker run --frobnicate nginx")

    message = str(raised.value)
    assert "does not expect `--frobnicate`" in message
    assert "does not exist" not in message
    assert "no such" not in message.lower()


def test_mounts_from_every_flag_are_one_setting() -> None:
    command = parse_command("docker run -v a:/a --mount source=b,target=/b --tmpfs /t nginx")

    mounts = command.option("mounts")
    assert mounts is not None
    assert [value.canonical for value in mounts.values] == [
        "type=tmpfs,source=,target=/t",
        "type=volume,source=a,target=/a",
        "type=volume,source=b,target=/b",
    ]
    assert set(mounts.flags) == {"--volume", "--mount", "--tmpfs"}


def test_capabilities_become_the_set_the_container_gets() -> None:
    command = parse_command("docker run --cap-drop ALL --cap-add net_bind_service nginx")

    capabilities = command.option("capabilities")
    assert capabilities is not None
    assert [value.canonical for value in capabilities.values] == ["CAP_NET_BIND_SERVICE"]


def test_the_build_dockerfile_defaults_to_the_context() -> None:
    assert parse_command("docker build -f ./Dockerfile .").option("--file") is None
    assert parse_command("docker build -f app/Dockerfile app").option("--file") is None
    assert parse_command("docker build -f Dockerfile app").option("--file") is not None
