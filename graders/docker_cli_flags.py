"""Flag definitions for the docker CLI grader: what each flag is called, its short form,
whether it takes a value, whether it may repeat, and how its value is normalised.

Flag groups shared by several subcommands live here; `docker_cli_specs` assembles them into one
table per subcommand.
"""

from dataclasses import dataclass

from graders.docker_cli_values import (
    ValueNormaliser,
    byte_size,
    decimal_number,
    image_reference,
    port_mapping,
)


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
_PLAIN_RUN_OPTIONS = (
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
RUN_OPTIONS = (
    *(option(name, short) for name, short in _PLAIN_RUN_OPTIONS),
    option("--network", aliases=("--net",)),
    option("--memory", "-m", byte_size),
    option("--memory-reservation", None, byte_size),
    option("--memory-swap"),
    option("--shm-size", None, byte_size),
    option("--cpus", None, decimal_number),
)
_PLAIN_RUN_MULTI = (
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
RUN_MULTI = (
    *(multi(name, short) for name, short in _PLAIN_RUN_MULTI),
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
