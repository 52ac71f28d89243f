"""Run a learner's `docker network create` / `docker run` lines for the networking task, safely.

Lines are parsed with `docker_cli` and only a small subset is accepted: creating a bridge network
and running the task's own images with -d/--name/--network/-e/-p/--rm. Host mounts, privileges,
capabilities, devices, host namespaces and anything else are refused with a message naming the
line. Accepted lines become hardened sandbox containers on per-job internal networks (labelled,
removed by `job_scope`); `-p` mappings are recorded for grading but never published on the host.

Containers started without `--network` join a per-job stand-in for Docker's default bridge: a
network without name aliases, where, as on the real default bridge, containers cannot find each
other by name.
"""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import docker
from docker.models.containers import Container

from graders.docker_cli import CliValue, DockerCommand, DockerCommandError, parse_command
from graders.docker_cli_images import image_reference
from graders.errors import is_learner_caused
from graders.sandbox.labels import checked_job_id, job_labels
from graders.sandbox.run import RunLimits, hardened_options

MAX_COMMAND_LINES = 20
DEFAULT_BRIDGE_NAMES = frozenset({"bridge", "default"})
DEFAULT_BRIDGE_SUFFIX = "default-bridge"
NETWORK_OPTIONS = frozenset({"--driver"})
RUN_OPTIONS = frozenset({"--detach", "--name", "--network", "--env", "--publish", "--rm"})
# Options refused with a specific reason (everything else outside the subset gets a generic one).
FORBIDDEN_RUN_OPTIONS = {
    "--volume": "mounts host paths into the container",
    "--mount": "mounts host paths into the container",
    "--tmpfs": "adds a mount to the container",
    "--volumes-from": "mounts another container's volumes",
    "--privileged": "gives the container full control of the host",
    "--cap-add": "adds Linux capabilities",
    "--use-api-socket": "gives the container control of the Docker engine",
    "--device": "gives the container a host device",
    "--pid": "shares a host process namespace",
    "--ipc": "shares a host IPC namespace",
    "--userns": "changes the user namespace",
    "--security-opt": "weakens the container's security profile",
}
FORBIDDEN_NETWORKS = {
    "host": "`--network host` removes network isolation (section 5 warns against it)",
    "none": "`--network none` would leave the container unreachable",
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CommandsRejectedError(ValueError):
    """A line is outside the accepted subset; the message names the line for the learner."""


@dataclass(frozen=True)
class ContainerPlan:
    line: int
    name: str
    image: str  # canonical reference, e.g. `quayside/notes-api:1.0`
    network: str | None  # a learner-created network, or None for the default bridge
    environment: Mapping[str, str]
    published: tuple[str, ...]  # canonical `-p` values, e.g. `8080:8000`


@dataclass(frozen=True)
class CommandsPlan:
    networks: tuple[str, ...]
    containers: tuple[ContainerPlan, ...]


@dataclass
class CommandsRun:
    plan: CommandsPlan
    # Learner network name -> Docker network name (the default bridge under DEFAULT_BRIDGE_SUFFIX).
    networks: dict[str, str] = field(default_factory=dict)
    containers: dict[str, Container] = field(default_factory=dict)
    start_errors: dict[str, str] = field(default_factory=dict)

    def docker_network(self, plan: ContainerPlan) -> str:
        return self.networks[plan.network or DEFAULT_BRIDGE_SUFFIX]


def _lines(text: str) -> list[tuple[int, str]]:
    """Logical lines with their first line number; `\\` continues, `#` comments are skipped."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        pending.append(stripped.removesuffix("\\").strip())
        if not stripped.endswith("\\"):
            result.append((start, " ".join(pending)))
            pending = []
    if pending:
        result.append((start, " ".join(pending)))
    return result


def plan_commands(text: str, *, images: Collection[str]) -> CommandsPlan:
    """Validate the learner's lines; raises CommandsRejectedError naming the first bad line."""
    lines = _lines(text)
    if not lines:
        raise CommandsRejectedError("No commands were submitted.")
    if len(lines) > MAX_COMMAND_LINES:
        raise CommandsRejectedError(f"Submit at most {MAX_COMMAND_LINES} commands.")
    allowed_images = {image_reference(image) for image in images}
    networks: list[str] = []
    containers: list[ContainerPlan] = []
    for number, line in lines:
        try:
            command = parse_command(line)
        except DockerCommandError as error:
            raise CommandsRejectedError(f"Line {number}: {error}") from error
        if command.path == ("network", "create"):
            networks.append(_network_name(command, number, networks))
        elif command.path == ("container", "run"):
            containers.append(_container(command, number, networks, containers, allowed_images))
        else:
            raise CommandsRejectedError(
                f"Line {number}: `{command.display}` is not accepted here; this task takes only "
                "`docker network create` and `docker run` lines."
            )
    if not containers:
        raise CommandsRejectedError("No `docker run` line was submitted.")
    return CommandsPlan(networks=tuple(networks), containers=tuple(containers))


def _checked_name(value: str, what: str, number: int) -> str:
    if not _NAME.fullmatch(value):
        raise CommandsRejectedError(
            f"Line {number}: {what} `{value}` must be letters, digits, `_`, `.` or `-` "
            "(at most 31 characters)."
        )
    return value


def _network_name(command: DockerCommand, number: int, existing: list[str]) -> str:
    for option in command.options:
        if option.name not in NETWORK_OPTIONS:
            raise CommandsRejectedError(
                f"Line {number}: {option.label} is not accepted; use "
                "`docker network create [--driver bridge] NAME`."
            )
    driver = command.option("--driver")
    if driver is not None and driver.values[0].canonical != "bridge":
        raise CommandsRejectedError(
            f"Line {number}: only the `bridge` driver is available here, not "
            f"`{driver.typed_values}`."
        )
    name = _checked_name(command.arguments[0].typed, "the network name", number)
    if name in existing or name in DEFAULT_BRIDGE_NAMES or name in FORBIDDEN_NETWORKS:
        raise CommandsRejectedError(f"Line {number}: network `{name}` already exists.")
    return name


def _container(
    command: DockerCommand,
    number: int,
    networks: list[str],
    earlier: list[ContainerPlan],
    allowed_images: set[str],
) -> ContainerPlan:
    for option in command.options:
        # A setting fed by several flags (`mounts` from -v/--mount) is refused by its flags.
        forbidden = next((flag for flag in option.flags if flag in FORBIDDEN_RUN_OPTIONS), None)
        if forbidden is not None:
            raise CommandsRejectedError(
                f"Line {number}: `{forbidden}` {FORBIDDEN_RUN_OPTIONS[forbidden]}; it is "
                "not allowed."
            )
        if option.name not in RUN_OPTIONS:
            raise CommandsRejectedError(
                f"Line {number}: {option.label} is not needed for this task; use only "
                "-d, --name, --network, -e, -p and --rm."
            )
    image = command.arguments[0].canonical
    if image not in allowed_images:
        raise CommandsRejectedError(
            f"Line {number}: image `{command.arguments[0].typed}` is not one of this task's "
            f"images ({', '.join(sorted(allowed_images))})."
        )
    if len(command.arguments) > 1:
        raise CommandsRejectedError(
            f"Line {number}: run the image with its own start command (nothing after the image)."
        )
    name_option = command.option("--name")
    if name_option is None:
        raise CommandsRejectedError(f"Line {number}: give the container a `--name`.")
    name = _checked_name(name_option.values[0].typed, "the container name", number)
    if any(plan.name == name for plan in earlier):
        raise CommandsRejectedError(f"Line {number}: a container named `{name}` already runs.")
    return ContainerPlan(
        line=number,
        name=name,
        image=image,
        network=_network_of(command, number, networks),
        environment=_environment(command, number),
        published=tuple(value.canonical for value in _values(command, "--publish")),
    )


def _values(command: DockerCommand, name: str) -> tuple[CliValue, ...]:
    option = command.option(name)
    return option.values if option is not None else ()


def _network_of(command: DockerCommand, number: int, networks: list[str]) -> str | None:
    option = command.option("--network")
    if option is None:
        return None
    if len(option.values) > 1 or "," in option.values[0].canonical:
        raise CommandsRejectedError(
            f"Line {number}: connect each container to one network, as `--network NAME`."
        )
    value = option.values[0].canonical
    if value in DEFAULT_BRIDGE_NAMES:
        return None
    if value in FORBIDDEN_NETWORKS or value.startswith("container:"):
        reason = FORBIDDEN_NETWORKS.get(value, "sharing another container's network stack")
        raise CommandsRejectedError(f"Line {number}: {reason} is not allowed.")
    if value not in networks:
        raise CommandsRejectedError(
            f"Line {number}: network `{value}` was not created by an earlier "
            "`docker network create` line."
        )
    return value


def _environment(command: DockerCommand, number: int) -> dict[str, str]:
    environment: dict[str, str] = {}
    option = command.option("--env")
    for value in option.values if option is not None else ():
        name, has_value, content = value.typed.partition("=")
        if not _ENV_NAME.fullmatch(name):
            raise CommandsRejectedError(f"Line {number}: `-e {value.typed}` is not NAME=value.")
        if has_value:
            environment[name] = content
    return environment


def container_port(mapping: str) -> int | None:
    """The container side of a canonical `-p` value (`8080:8000` -> 8000, `8000` -> 8000)."""
    port = mapping.split("/", 1)[0].rsplit(":", 1)[-1].split("-", 1)[0]
    return int(port) if port.isdigit() else None


def run_commands(
    client: docker.DockerClient,
    plan: CommandsPlan,
    *,
    job_id: str,
    image_ids: Mapping[str, str],
    limits: RunLimits,
) -> CommandsRun:
    """Create the networks (internal, labelled) and start the containers (hardened).

    A container the engine refuses to start for reasons of its own making is recorded in
    `start_errors`; engine faults raise docker errors (infrastructure).
    """
    checked_job_id(job_id)
    run = CommandsRun(plan=plan)
    for name in (*plan.networks, DEFAULT_BRIDGE_SUFFIX):
        docker_name = f"quayside-{job_id}-{name}"
        client.networks.create(
            docker_name, driver="bridge", internal=True, labels=job_labels(job_id)
        )
        run.networks[name] = docker_name
    for container_plan in plan.containers:
        _start(client, run, container_plan, job_id, image_ids, limits)
    return run


def _start(
    client: docker.DockerClient,
    run: CommandsRun,
    plan: ContainerPlan,
    job_id: str,
    image_ids: Mapping[str, str],
    limits: RunLimits,
) -> None:
    network = run.docker_network(plan)
    options = hardened_options(job_id=job_id, limits=limits, network=network, user=None)
    # The default bridge resolves no container names: there, neither an alias nor a hostname
    # (Docker's DNS answers for hostnames too), as in real Docker.
    if plan.network is not None:
        aliases = [plan.name]
        options["hostname"] = plan.name
    else:
        aliases = []
    options["networking_config"] = {network: client.api.create_endpoint_config(aliases=aliases)}
    container = client.containers.create(
        image_ids[plan.image],
        name=f"quayside-{job_id}-{plan.name}",
        environment=dict(plan.environment),
        **options,
    )
    run.containers[plan.name] = container
    try:
        container.start()
    except docker.errors.APIError as error:
        if not is_learner_caused(error):
            raise
        run.start_errors[plan.name] = str(error.explanation or error)
