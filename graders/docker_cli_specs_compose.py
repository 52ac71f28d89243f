"""`docker compose …` (Compose v2) and `docker-compose …` (v1): the same commands.

Compose's own options (`-f`, `-p`, `--profile`, …) come before the subcommand. Unlike
`docker exec`, `docker compose exec` and `docker compose run` allocate a TTY and keep stdin open
by default: `-it` changes nothing there, `-T` turns the TTY off. Service names are a set
(`up web db` is `up db web`); `-f docker-compose.yml` is *not* the default, because Compose
then skips `compose.yaml` and the override file.
"""

from graders.docker_cli_capabilities import capability
from graders.docker_cli_command_spec import CommandSpec, command
from graders.docker_cli_container_values import log_tail
from graders.docker_cli_flags import (
    FILTER,
    FORMAT,
    FORMAT_F,
    NO_TRUNC,
    SINCE,
    TIMESTAMPS,
    UNTIL,
    FlagKind,
    FlagSpec,
    ignored,
    many,
    switch,
    value,
)
from graders.docker_cli_model import FlagEffect
from graders.docker_cli_mounts import volume_mount
from graders.docker_cli_ports import port_bindings
from graders.docker_cli_values import (
    container_path,
    environment_item,
    host_path,
    integer,
    key_value_item,
    lower,
    signal,
    user,
)

PRESENTATION = FlagEffect.PRESENTATION
COMPOSE_GLOBAL_FLAGS = (
    many("--file", "-f", host_path, kind=FlagKind.LIST),
    value("--project-name", "-p", lower),
    many("--profile", None, kind=FlagKind.SET),
    many("--env-file", None, host_path, kind=FlagKind.LIST),
    value("--project-directory", None, host_path),
    value("--ansi", None, lower, default="auto", effect=PRESENTATION),
    value("--progress", None, lower, default="auto", effect=PRESENTATION),
    value("--parallel", None, integer, default="-1"),
    switch("--compatibility"),
    switch("--dry-run"),
    switch("--all-resources"),
    switch("--verbose", effect=PRESENTATION),
    value("--log-level", None, lower, default="info", effect=PRESENTATION),
    switch("--no-ansi", effect=PRESENTATION),
    many("--host", "-H", kind=FlagKind.LIST),
)
TIMEOUT = value("--timeout", "-t", integer)
QUIET = switch("--quiet", "-q", effect=FlagEffect.OUTPUT)
DETACH = switch("--detach", "-d", effect=FlagEffect.LIFETIME)
ENV = many("--env", "-e", environment_item, kind=FlagKind.MAP)
NO_TTY = switch("--no-tty", "-T", aliases=("--no-TTY",), effect=FlagEffect.INTERACTION)
INTERACTIVE = switch("--interactive", "-i", default=True, effect=FlagEffect.INTERACTION)
USER = value("--user", "-u", user)
WORKDIR = value("--workdir", "-w", container_path)
INDEX = value("--index", None, integer, default="0")
PULL = value("--pull", None, lower)
REMOVE_ORPHANS = switch("--remove-orphans")
NO_DEPS = switch("--no-deps")
BUILD = switch("--build")
QUIET_PULL = switch("--quiet-pull", effect=PRESENTATION)
NO_COLOR = switch("--no-color", effect=PRESENTATION)
NO_LOG_PREFIX = switch("--no-log-prefix", effect=PRESENTATION)


def _services(name: str, usage: str, *flags: FlagSpec) -> CommandSpec:
    return command(f"compose {name}", usage, *flags, unordered_arguments=True)


COMPOSE_SPECS: tuple[CommandSpec, ...] = (
    _services(
        "up",
        "[SERVICE...]",
        switch("--abort-on-container-exit"),
        switch("--abort-on-container-failure"),
        switch("--always-recreate-deps"),
        many("--attach", None, kind=FlagKind.SET),
        switch("--attach-dependencies"),
        BUILD,
        DETACH,
        value("--exit-code-from"),
        switch("--force-recreate"),
        switch("--menu", effect=PRESENTATION),
        many("--no-attach", None, kind=FlagKind.SET),
        switch("--no-build"),
        NO_COLOR,
        NO_DEPS,
        NO_LOG_PREFIX,
        switch("--no-recreate"),
        switch("--no-start"),
        PULL,
        switch("--quiet-build", effect=PRESENTATION),
        QUIET_PULL,
        REMOVE_ORPHANS,
        switch("--renew-anon-volumes", "-V"),
        many("--scale", None, key_value_item, kind=FlagKind.MAP),
        TIMEOUT,
        switch("--timestamps", effect=PRESENTATION),
        switch("--wait"),
        value("--wait-timeout", None, integer),
        switch("--watch", "-w"),
        switch("--yes", "-y"),
    ),
    _services(
        "down",
        "[SERVICE...]",
        REMOVE_ORPHANS,
        value("--rmi", None, lower),
        TIMEOUT,
        switch("--volumes", "-v"),
    ),
    _services(
        "ps",
        "[SERVICE...]",
        switch("--all", "-a"),
        FILTER,
        FORMAT,
        NO_TRUNC,
        switch("--orphans", default=True),
        QUIET,
        switch("--services", effect=FlagEffect.OUTPUT),
        many("--status", None, lower, kind=FlagKind.SET, effect=FlagEffect.OUTPUT),
    ),
    _services(
        "logs",
        "[SERVICE...]",
        switch("--follow", "-f", effect=FlagEffect.OUTPUT),
        INDEX,
        NO_COLOR,
        NO_LOG_PREFIX,
        SINCE,
        value("--tail", "-n", log_tail, default="all", effect=FlagEffect.OUTPUT),
        TIMESTAMPS,
        UNTIL,
    ),
    _services(
        "build",
        "[SERVICE...]",
        many("--build-arg", None, environment_item, kind=FlagKind.MAP),
        value("--builder"),
        switch("--check"),
        value("--memory", "-m"),
        switch("--no-cache"),
        switch("--print", effect=FlagEffect.OUTPUT),
        value("--provenance"),
        switch("--pull"),
        switch("--push"),
        QUIET,
        value("--sbom"),
        many("--ssh", None, kind=FlagKind.SET),
        switch("--with-dependencies"),
    ),
    command(
        "compose exec",
        "SERVICE COMMAND [ARG...]",
        switch("--detach", "-d"),
        ENV,
        INDEX,
        NO_TTY,
        ignored("--tty", "-t"),
        INTERACTIVE,
        switch("--privileged", risk="gives the process full control of the host"),
        USER,
        WORKDIR,
        min_arguments=2,
        flags_end_at_first_argument=True,
    ),
    command(
        "compose run",
        "SERVICE [COMMAND] [ARG...]",
        BUILD,
        many("--cap-add", None, capability, kind=FlagKind.SET, risk="adds Linux capabilities"),
        many("--cap-drop", None, capability, kind=FlagKind.SET),
        DETACH,
        value("--entrypoint"),
        ENV,
        many("--env-from-file", None, host_path, kind=FlagKind.LIST),
        INTERACTIVE,
        many("--label", "-l", key_value_item, kind=FlagKind.MAP),
        value("--name"),
        NO_TTY,
        switch("--tty", "-t", default=False, setting="--no-tty", negates=True),
        NO_DEPS,
        many("--publish", "-p", expand=port_bindings),
        PULL,
        switch("--quiet-build", effect=PRESENTATION),
        QUIET_PULL,
        REMOVE_ORPHANS,
        switch("--rm", effect=FlagEffect.LIFETIME),
        switch("--service-ports", "-P"),
        switch("--use-aliases"),
        USER,
        many("--volume", "-v", volume_mount),
        WORKDIR,
        min_arguments=1,
        flags_end_at_first_argument=True,
    ),
    _services("restart", "[SERVICE...]", NO_DEPS, TIMEOUT),
    _services("stop", "[SERVICE...]", TIMEOUT),
    _services("start", "[SERVICE...]", switch("--wait"), value("--wait-timeout", None, integer)),
    _services(
        "config",
        "[SERVICE...]",
        value("--format", None, lower, default="yaml", effect=FlagEffect.OUTPUT),
        value("--hash"),
        switch("--images", effect=FlagEffect.OUTPUT),
        switch("--no-consistency"),
        switch("--no-interpolate"),
        switch("--no-normalize"),
        switch("--no-path-resolution"),
        value("--output", "-o", host_path),
        switch("--profiles", effect=FlagEffect.OUTPUT),
        QUIET,
        switch("--resolve-image-digests"),
        switch("--services", effect=FlagEffect.OUTPUT),
        switch("--volumes", effect=FlagEffect.OUTPUT),
        switch("--variables", effect=FlagEffect.OUTPUT),
        switch("--environment", effect=FlagEffect.OUTPUT),
        switch("--networks", effect=FlagEffect.OUTPUT),
    ),
    _services(
        "pull",
        "[SERVICE...]",
        switch("--ignore-buildable"),
        switch("--ignore-pull-failures"),
        switch("--include-deps"),
        value("--policy", None, lower),
        switch("--quiet", "-q", effect=PRESENTATION),
    ),
    _services(
        "push",
        "[SERVICE...]",
        switch("--ignore-push-failures"),
        switch("--include-deps"),
        switch("--quiet", "-q", effect=PRESENTATION),
    ),
    _services(
        "rm",
        "[SERVICE...]",
        switch("--force", "-f", effect=FlagEffect.CONFIRMATION),
        switch("--stop", "-s"),
        switch("--volumes", "-v"),
    ),
    _services(
        "kill",
        "[SERVICE...]",
        REMOVE_ORPHANS,
        value("--signal", "-s", signal, default="9"),
    ),
    _services("images", "[SERVICE...]", FORMAT, QUIET),
    _services("top", "[SERVICE...]"),
    _services("pause", "[SERVICE...]"),
    _services("unpause", "[SERVICE...]"),
    _services(
        "create",
        "[SERVICE...]",
        BUILD,
        switch("--force-recreate"),
        switch("--no-build"),
        switch("--no-recreate"),
        PULL,
        QUIET_PULL,
        REMOVE_ORPHANS,
        many("--scale", None, key_value_item, kind=FlagKind.MAP),
        switch("--yes", "-y"),
    ),
    _services("events", "[SERVICE...]", switch("--json", effect=FlagEffect.OUTPUT), SINCE, UNTIL),
    command(
        "compose port",
        "SERVICE PRIVATE_PORT",
        INDEX,
        value("--protocol", None, lower, default="tcp"),
        min_arguments=2,
        max_arguments=2,
    ),
    command(
        "compose ls",
        "(no arguments)",
        switch("--all", "-a"),
        FILTER,
        FORMAT,
        QUIET,
        max_arguments=0,
    ),
    command(
        "compose version",
        "(no arguments)",
        FORMAT_F,
        switch("--short", effect=FlagEffect.OUTPUT),
        max_arguments=0,
    ),
    _services("watch", "[SERVICE...]", switch("--no-up"), switch("--prune"), QUIET),
    _services("stats", "[SERVICE]", switch("--all", "-a"), FORMAT, switch("--no-stream"), NO_TRUNC),
)
