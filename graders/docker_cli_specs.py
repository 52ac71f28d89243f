"""Which docker subcommands the grader knows, their aliases, and each one's flags.

A flag's short form depends on the subcommand (`-t` is `--tty` for run but `--tag` for build,
`-f` is `--force`, `--filter` or `--follow`), so every command has its own table. The tables cover
the commands taught in section 7 of the course and the flags a learner is likely to type; a flag
missing here is reported as unknown rather than guessed at.
"""

from dataclasses import dataclass
from enum import StrEnum

from graders.docker_cli_flags import (
    BUILD_FLAGS,
    COMPOSE_LOG_FLAGS,
    ENV_FLAGS,
    FORMAT,
    FORMAT_F,
    LIST_FILTER,
    LIST_FLAGS,
    NO_TRUNC,
    PRUNE_FLAGS,
    QUIET,
    RUN_MULTI,
    RUN_OPTIONS,
    RUN_SWITCHES,
    TERMINAL_FLAGS,
    FlagSpec,
    multi,
    option,
    switch,
)


class ImageArguments(StrEnum):
    NONE = "none"
    FIRST = "first"
    ALL = "all"


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


def _spec(
    path: str,
    usage: str,
    *flags: FlagSpec,
    min_arguments: int = 0,
    max_arguments: int | None = None,
    images: ImageArguments = ImageArguments.NONE,
    unordered_arguments: bool = False,
    flags_end_at_first_argument: bool = False,
) -> CommandSpec:
    return CommandSpec(
        path=tuple(path.split()),
        usage=usage,
        flags=flags,
        min_arguments=min_arguments,
        max_arguments=max_arguments,
        images=images,
        unordered_arguments=unordered_arguments,
        flags_end_at_first_argument=flags_end_at_first_argument,
    )


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
        max_arguments=0,
    ),
    _spec(
        "container rm",
        "CONTAINER [CONTAINER...]",
        switch("--force", "-f"),
        switch("--volumes", "-v"),
        switch("--link", "-l"),
        min_arguments=1,
        unordered_arguments=True,
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
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec(
        "container restart",
        "CONTAINER [CONTAINER...]",
        option("--time", "-t"),
        option("--signal", "-s"),
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec(
        "container start",
        "CONTAINER [CONTAINER...]",
        switch("--attach", "-a"),
        switch("--interactive", "-i"),
        option("--detach-keys"),
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec(
        "container kill",
        "CONTAINER [CONTAINER...]",
        option("--signal", "-s"),
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec(
        "container inspect",
        "CONTAINER [CONTAINER...]",
        FORMAT_F,
        switch("--size", "-s"),
        min_arguments=1,
        unordered_arguments=True,
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
    _spec("container prune", "(no arguments)", *PRUNE_FLAGS, max_arguments=0),
    _spec(
        "inspect",
        "NAME|ID [NAME|ID...]",
        FORMAT_F,
        switch("--size", "-s"),
        option("--type"),
        min_arguments=1,
        unordered_arguments=True,
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
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec("image build", "PATH | URL | -", *BUILD_FLAGS, min_arguments=1, max_arguments=1),
    _spec(
        "image pull",
        "IMAGE",
        switch("--all-tags", "-a"),
        QUIET,
        option("--platform"),
        switch("--disable-content-trust"),
        min_arguments=1,
        max_arguments=1,
        images=ImageArguments.ALL,
    ),
    _spec(
        "image push",
        "IMAGE",
        switch("--all-tags", "-a"),
        QUIET,
        option("--platform"),
        switch("--disable-content-trust"),
        min_arguments=1,
        max_arguments=1,
        images=ImageArguments.ALL,
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
        min_arguments=1,
        max_arguments=1,
        images=ImageArguments.ALL,
    ),
    _spec(
        "image inspect",
        "IMAGE [IMAGE...]",
        FORMAT_F,
        option("--platform"),
        images=ImageArguments.ALL,
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec("image prune", "(no arguments)", switch("--all", "-a"), *PRUNE_FLAGS, max_arguments=0),
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
    _spec("network ls", "(no arguments)", *LIST_FLAGS, max_arguments=0),
    _spec(
        "network rm",
        "NETWORK [NETWORK...]",
        switch("--force", "-f"),
        min_arguments=1,
        unordered_arguments=True,
    ),
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
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec("network prune", "(no arguments)", *PRUNE_FLAGS, max_arguments=0),
    _spec(
        "volume create",
        "[VOLUME]",
        option("--driver", "-d"),
        multi("--opt", "-o"),
        multi("--label"),
        option("--name"),
        max_arguments=1,
    ),
    _spec("volume ls", "(no arguments)", LIST_FILTER, FORMAT, QUIET, max_arguments=0),
    _spec(
        "volume rm",
        "VOLUME [VOLUME...]",
        switch("--force", "-f"),
        min_arguments=1,
        unordered_arguments=True,
    ),
    _spec(
        "volume inspect", "VOLUME [VOLUME...]", FORMAT_F, min_arguments=1, unordered_arguments=True
    ),
    _spec("volume prune", "(no arguments)", switch("--all", "-a"), *PRUNE_FLAGS, max_arguments=0),
    _spec(
        "system prune",
        "(no arguments)",
        switch("--all", "-a"),
        switch("--volumes"),
        *PRUNE_FLAGS,
        max_arguments=0,
    ),
    _spec("system info", "(no arguments)", FORMAT_F, max_arguments=0),
    _spec("version", "(no arguments)", FORMAT_F, max_arguments=0),
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
    **{
        tuple(typed.split()): tuple(canonical.split())
        for typed, canonical in _ALIASES_AS_TEXT.items()
    },
}
MANAGEMENT_GROUPS = frozenset(path[0] for path in SPECS_BY_PATH if len(path) == 2) | {"builder"}
