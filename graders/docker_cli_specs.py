"""Which docker subcommands the grader knows, their aliases, and each one's flags.

A flag's short form depends on the subcommand (`-t` is `--tty` for run but `--tag` for build,
`-f` is `--force`, `--filter` or `--follow`), so every command has its own table. The tables cover
the commands taught in section 7 of the course and the flags a learner is likely to type; a flag
missing here is reported as unknown rather than guessed at.
"""

from dataclasses import dataclass
from enum import StrEnum

from graders.docker_cli_values import (
    ValueNormaliser,
    byte_size,
    decimal_number,
    image_reference,
    port_mapping,
)


class ImageArguments(StrEnum):
    NONE = "none"
    FIRST = "first"
    ALL = "all"


@dataclass(frozen=True)
class FlagSpec:
    name: str
    short: str | None = None
    takes_value: bool = False
    repeatable: bool = False
    normalise: ValueNormaliser | None = None
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"`{self.name}` (`{self.short}`)" if self.short else f"`{self.name}`"


@dataclass(frozen=True)
class CommandSpec:
    path: tuple[str, ...]
    usage: str
    flags: tuple[FlagSpec, ...] = ()
    min_arguments: int = 0
    max_arguments: int | None = None
    images: ImageArguments = ImageArguments.NONE
    unordered_arguments: bool = False
    # `docker run IMAGE ls -la`: after the image, every word belongs to the container's command.
    flags_end_at_first_argument: bool = False

    @property
    def display(self) -> str:
        return "docker " + " ".join(self.path)


def switch(name: str, short: str | None = None) -> FlagSpec:
    return FlagSpec(name, short)


def option(
    name: str,
    short: str | None = None,
    normalise: ValueNormaliser | None = None,
    aliases: tuple[str, ...] = (),
) -> FlagSpec:
    return FlagSpec(name, short, takes_value=True, normalise=normalise, aliases=aliases)


def multi(
    name: str,
    short: str | None = None,
    normalise: ValueNormaliser | None = None,
    aliases: tuple[str, ...] = (),
) -> FlagSpec:
    return FlagSpec(
        name, short, takes_value=True, repeatable=True, normalise=normalise, aliases=aliases
    )


FORMAT = option("--format")
FORMAT_F = option("--format", "-f")
QUIET = switch("--quiet", "-q")
NO_TRUNC = switch("--no-trunc")
LIST_FILTER = multi("--filter", "-f")
PRUNE_FLAGS = (switch("--force", "-f"), multi("--filter"))
LIST_FLAGS = (LIST_FILTER, FORMAT, QUIET, NO_TRUNC)
ENV_FLAGS = (multi("--env", "-e"), multi("--env-file"))
TERMINAL_FLAGS = (switch("--interactive", "-i"), switch("--tty", "-t"))

RUN_SWITCHES = (
    switch("--detach", "-d"),
    switch("--rm"),
    switch("--publish-all", "-P"),
    switch("--read-only"),
    switch("--init"),
    switch("--privileged"),
    switch("--no-healthcheck"),
    switch("--oom-kill-disable"),
    switch("--sig-proxy"),
    switch("--disable-content-trust"),
    switch("--quiet", "-q"),
)
RUN_OPTIONS = tuple(
    option(name, short)
    for name, short in (
        ("--name", None),
        ("--workdir", "-w"),
        ("--user", "-u"),
        ("--entrypoint", None),
        ("--restart", None),
        ("--cpu-shares", "-c"),
        ("--cpuset-cpus", None),
        ("--pids-limit", None),
        ("--hostname", "-h"),
        ("--platform", None),
        ("--pull", None),
        ("--health-cmd", None),
        ("--health-interval", None),
        ("--health-timeout", None),
        ("--health-retries", None),
        ("--health-start-period", None),
        ("--stop-signal", None),
        ("--stop-timeout", None),
        ("--log-driver", None),
        ("--gpus", None),
        ("--ipc", None),
        ("--pid", None),
        ("--ip", None),
        ("--cidfile", None),
        ("--detach-keys", None),
        ("--runtime", None),
        ("--userns", None),
    )
) + (
    option("--network", aliases=("--net",)),
    option("--memory", "-m", byte_size),
    option("--memory-reservation", None, byte_size),
    option("--memory-swap"),
    option("--shm-size", None, byte_size),
    option("--cpus", None, decimal_number),
)
RUN_MULTI = tuple(
    multi(name, short)
    for name, short in (
        ("--volume", "-v"),
        ("--mount", None),
        ("--tmpfs", None),
        ("--cap-add", None),
        ("--cap-drop", None),
        ("--security-opt", None),
        ("--label", "-l"),
        ("--label-file", None),
        ("--add-host", None),
        ("--dns", None),
        ("--dns-search", None),
        ("--dns-option", None),
        ("--ulimit", None),
        ("--log-opt", None),
        ("--link", None),
        ("--attach", "-a"),
        ("--device", None),
        ("--volumes-from", None),
        ("--group-add", None),
        ("--sysctl", None),
    )
) + (
    multi("--publish", "-p", port_mapping),
    multi("--expose", None, port_mapping),
    multi("--network-alias", aliases=("--net-alias",)),
)
BUILD_FLAGS = (
    multi("--tag", "-t", image_reference),
    option("--file", "-f"),
    option("--target"),
    multi("--build-arg"),
    switch("--no-cache"),
    switch("--pull"),
    QUIET,
    option("--platform"),
    multi("--label"),
    option("--progress"),
    option("--network"),
    multi("--secret"),
    multi("--ssh"),
    multi("--cache-from"),
    multi("--cache-to"),
    switch("--rm"),
    switch("--force-rm"),
    switch("--load"),
    switch("--push"),
    multi("--output", "-o"),
    option("--iidfile"),
    multi("--add-host"),
    option("--shm-size", None, byte_size),
    option("--memory", "-m", byte_size),
)
COMPOSE_GLOBAL_FLAGS = (
    multi("--file", "-f"),
    option("--project-name", "-p"),
    multi("--profile"),
    multi("--env-file"),
    option("--project-directory"),
    option("--ansi"),
    switch("--compatibility"),
    switch("--dry-run"),
)
COMPOSE_LOG_FLAGS = (
    switch("--follow", "-f"),
    option("--tail", "-n"),
    switch("--timestamps", "-t"),
    switch("--no-color"),
    switch("--no-log-prefix"),
    option("--since"),
    option("--until"),
)


def _spec(path: str, usage: str, *flags: FlagSpec, **shape: object) -> CommandSpec:
    return CommandSpec(tuple(path.split()), usage, flags, **shape)  # type: ignore[arg-type]


TARGETS = {"min_arguments": 1, "unordered_arguments": True}
NO_ARGUMENTS = {"max_arguments": 0}
ONE_IMAGE = {"min_arguments": 1, "max_arguments": 1, "images": ImageArguments.ALL}

COMMAND_SPECS = (
    _spec(
        "container run",
        "IMAGE [COMMAND] [ARG...]",
        *RUN_SWITCHES,
        *RUN_OPTIONS,
        *RUN_MULTI,
        *ENV_FLAGS,
        *TERMINAL_FLAGS,
        min_arguments=1,
        images=ImageArguments.FIRST,
        flags_end_at_first_argument=True,
    ),
    _spec(
        "container ls",
        "(no arguments)",
        switch("--all", "-a"),
        option("--last", "-n"),
        switch("--latest", "-l"),
        switch("--size", "-s"),
        *LIST_FLAGS,
        **NO_ARGUMENTS,
    ),
    _spec(
        "container rm",
        "CONTAINER [CONTAINER...]",
        switch("--force", "-f"),
        switch("--volumes", "-v"),
        switch("--link", "-l"),
        **TARGETS,
    ),
    _spec(
        "container exec",
        "CONTAINER COMMAND [ARG...]",
        switch("--detach", "-d"),
        option("--user", "-u"),
        option("--workdir", "-w"),
        switch("--privileged"),
        option("--detach-keys"),
        *ENV_FLAGS,
        *TERMINAL_FLAGS,
        min_arguments=2,
        flags_end_at_first_argument=True,
    ),
    _spec(
        "container logs",
        "CONTAINER",
        switch("--follow", "-f"),
        option("--tail", "-n"),
        switch("--timestamps", "-t"),
        option("--since"),
        option("--until"),
        switch("--details"),
        min_arguments=1,
        max_arguments=1,
    ),
    _spec(
        "container stop",
        "CONTAINER [CONTAINER...]",
        option("--time", "-t"),
        option("--signal", "-s"),
        **TARGETS,
    ),
    _spec(
        "container restart",
        "CONTAINER [CONTAINER...]",
        option("--time", "-t"),
        option("--signal", "-s"),
        **TARGETS,
    ),
    _spec(
        "container start",
        "CONTAINER [CONTAINER...]",
        switch("--attach", "-a"),
        switch("--interactive", "-i"),
        option("--detach-keys"),
        **TARGETS,
    ),
    _spec("container kill", "CONTAINER [CONTAINER...]", option("--signal", "-s"), **TARGETS),
    _spec(
        "container inspect",
        "CONTAINER [CONTAINER...]",
        FORMAT_F,
        switch("--size", "-s"),
        **TARGETS,
    ),
    _spec(
        "container stats",
        "[CONTAINER...]",
        switch("--all", "-a"),
        switch("--no-stream"),
        FORMAT,
        NO_TRUNC,
        unordered_arguments=True,
    ),
    _spec("container prune", "(no arguments)", *PRUNE_FLAGS, **NO_ARGUMENTS),
    _spec(
        "inspect",
        "NAME|ID [NAME|ID...]",
        FORMAT_F,
        switch("--size", "-s"),
        option("--type"),
        **TARGETS,
    ),
    _spec(
        "image ls",
        "[REPOSITORY[:TAG]]",
        switch("--all", "-a"),
        switch("--digests"),
        *LIST_FLAGS,
        max_arguments=1,
    ),
    _spec(
        "image rm",
        "IMAGE [IMAGE...]",
        switch("--force", "-f"),
        switch("--no-prune"),
        option("--platform"),
        images=ImageArguments.ALL,
        **TARGETS,
    ),
    _spec("image build", "PATH | URL | -", *BUILD_FLAGS, min_arguments=1, max_arguments=1),
    _spec(
        "image pull",
        "IMAGE",
        switch("--all-tags", "-a"),
        QUIET,
        option("--platform"),
        switch("--disable-content-trust"),
        **ONE_IMAGE,
    ),
    _spec(
        "image push",
        "IMAGE",
        switch("--all-tags", "-a"),
        QUIET,
        option("--platform"),
        switch("--disable-content-trust"),
        **ONE_IMAGE,
    ),
    _spec(
        "image tag",
        "SOURCE_IMAGE TARGET_IMAGE",
        min_arguments=2,
        max_arguments=2,
        images=ImageArguments.ALL,
    ),
    _spec(
        "image history",
        "IMAGE",
        switch("--human", "-H"),
        NO_TRUNC,
        QUIET,
        FORMAT,
        option("--platform"),
        **ONE_IMAGE,
    ),
    _spec(
        "image inspect",
        "IMAGE [IMAGE...]",
        FORMAT_F,
        option("--platform"),
        images=ImageArguments.ALL,
        **TARGETS,
    ),
    _spec("image prune", "(no arguments)", switch("--all", "-a"), *PRUNE_FLAGS, **NO_ARGUMENTS),
    _spec(
        "network create",
        "NETWORK",
        option("--driver", "-d"),
        multi("--subnet"),
        multi("--gateway"),
        multi("--ip-range"),
        switch("--internal"),
        switch("--attachable"),
        multi("--opt", "-o"),
        multi("--label"),
        switch("--ipv6"),
        option("--scope"),
        min_arguments=1,
        max_arguments=1,
    ),
    _spec("network ls", "(no arguments)", *LIST_FLAGS, **NO_ARGUMENTS),
    _spec("network rm", "NETWORK [NETWORK...]", switch("--force", "-f"), **TARGETS),
    _spec(
        "network connect",
        "NETWORK CONTAINER",
        multi("--alias"),
        option("--ip"),
        option("--ip6"),
        multi("--link"),
        multi("--driver-opt"),
        min_arguments=2,
        max_arguments=2,
    ),
    _spec(
        "network disconnect",
        "NETWORK CONTAINER",
        switch("--force", "-f"),
        min_arguments=2,
        max_arguments=2,
    ),
    _spec(
        "network inspect",
        "NETWORK [NETWORK...]",
        FORMAT_F,
        switch("--verbose", "-v"),
        **TARGETS,
    ),
    _spec("network prune", "(no arguments)", *PRUNE_FLAGS, **NO_ARGUMENTS),
    _spec(
        "volume create",
        "[VOLUME]",
        option("--driver", "-d"),
        multi("--opt", "-o"),
        multi("--label"),
        option("--name"),
        max_arguments=1,
    ),
    _spec("volume ls", "(no arguments)", LIST_FILTER, FORMAT, QUIET, **NO_ARGUMENTS),
    _spec("volume rm", "VOLUME [VOLUME...]", switch("--force", "-f"), **TARGETS),
    _spec("volume inspect", "VOLUME [VOLUME...]", FORMAT_F, **TARGETS),
    _spec("volume prune", "(no arguments)", switch("--all", "-a"), *PRUNE_FLAGS, **NO_ARGUMENTS),
    _spec(
        "system prune",
        "(no arguments)",
        switch("--all", "-a"),
        switch("--volumes"),
        *PRUNE_FLAGS,
        **NO_ARGUMENTS,
    ),
    _spec("system info", "(no arguments)", FORMAT_F, **NO_ARGUMENTS),
    _spec("version", "(no arguments)", FORMAT_F, **NO_ARGUMENTS),
    _spec(
        "compose up",
        "[SERVICE...]",
        switch("--detach", "-d"),
        switch("--build"),
        switch("--no-build"),
        switch("--force-recreate"),
        switch("--no-recreate"),
        switch("--remove-orphans"),
        multi("--scale"),
        switch("--renew-anon-volumes", "-V"),
        switch("--wait"),
        option("--pull"),
        switch("--no-deps"),
        switch("--abort-on-container-exit"),
        switch("--quiet-pull"),
        switch("--no-start"),
        option("--timeout", "-t"),
        option("--exit-code-from"),
        switch("--no-color"),
        unordered_arguments=True,
    ),
    _spec(
        "compose down",
        "[SERVICE...]",
        switch("--volumes", "-v"),
        option("--rmi"),
        switch("--remove-orphans"),
        option("--timeout", "-t"),
        unordered_arguments=True,
    ),
    _spec(
        "compose ps",
        "[SERVICE...]",
        switch("--all", "-a"),
        QUIET,
        switch("--services"),
        FORMAT,
        multi("--status"),
        multi("--filter"),
        NO_TRUNC,
        unordered_arguments=True,
    ),
    _spec("compose logs", "[SERVICE...]", *COMPOSE_LOG_FLAGS, unordered_arguments=True),
)
SPECS_BY_PATH: dict[tuple[str, ...], CommandSpec] = {spec.path: spec for spec in COMMAND_SPECS}

# Classic one-word commands and `list`/`remove` spellings, mapped to their canonical path.
_ALIASES_AS_TEXT = {
    "run": "container run",
    "ps": "container ls",
    "container list": "container ls",
    "container ps": "container ls",
    "rm": "container rm",
    "container remove": "container rm",
    "exec": "container exec",
    "logs": "container logs",
    "stop": "container stop",
    "restart": "container restart",
    "start": "container start",
    "kill": "container kill",
    "stats": "container stats",
    "images": "image ls",
    "image list": "image ls",
    "rmi": "image rm",
    "image remove": "image rm",
    "build": "image build",
    "builder build": "image build",
    "pull": "image pull",
    "push": "image push",
    "tag": "image tag",
    "history": "image history",
    "network list": "network ls",
    "network remove": "network rm",
    "volume list": "volume ls",
    "volume remove": "volume rm",
    "info": "system info",
}
COMMAND_ALIASES: dict[tuple[str, ...], tuple[str, ...]] = {
    **{path: path for path in SPECS_BY_PATH},
    **{tuple(typed.split()): tuple(canonical.split()) for typed, canonical in _ALIASES_AS_TEXT.items()},
}
MANAGEMENT_GROUPS = frozenset(path[0] for path in SPECS_BY_PATH if len(path) == 2) | {"builder"}
