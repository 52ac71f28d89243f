"""Flag definitions for the docker CLI grader: what each flag is called, its short form, how its
values combine, how each value is normalised, what it means when absent, and what it affects.

A flag's *kind* says how repeated values combine, as the Docker CLI combines them: a plain value
keeps the last one (pflag), a list keeps every value in order, a multiset or set ignores order
(`-p 80:80 -p 443:443`), and a map keeps the last value per key (`-e A=1 -e A=2` is `A=2`,
as the daemon's environment merge does). A flag whose value equals its `default` is the same
command as the flag left out (`--restart no`, `--network bridge`, `--tail all`).

Flag groups shared by several subcommands live here; the `docker_cli_specs*` modules assemble
them into one table per subcommand.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from graders.docker_cli_model import FlagEffect
from graders.docker_cli_values import (
    ValueNormaliser,
    boolean_text,
    filter_item,
    go_template,
    host_path,
    integer,
    lower,
    since_time,
)

ValueExpander = Callable[[str], tuple[str, ...]]


class FlagKind(StrEnum):
    SWITCH = "switch"
    VALUE = "value"
    LIST = "list"
    MULTISET = "multiset"
    SET = "set"
    MAP = "map"
    # Parsed, then dropped: accepted by Docker but changing nothing (BuildKit's `--rm`).
    IGNORED = "ignored"


@dataclass(frozen=True)
class FlagSpec:
    name: str
    short: str | None = None
    kind: FlagKind = FlagKind.SWITCH
    normalise: ValueNormaliser | None = None
    expand: ValueExpander | None = None
    aliases: tuple[str, ...] = ()
    # The canonical value that means "as if the flag were not given" ("false" for switches).
    default: str | None = None
    # The setting this flag writes, when not its own name (`-T/--no-tty` writes `--tty`).
    setting: str | None = None
    # A switch that writes the opposite of its value into `setting` (`--no-tty` is tty false).
    negates: bool = False
    effect: FlagEffect = FlagEffect.BEHAVIOUR
    # Why the flag is harmful when a task does not need it, for the learner's message.
    risk: str | None = None

    @property
    def takes_value(self) -> bool:
        return self.kind not in (FlagKind.SWITCH, FlagKind.IGNORED) or self.normalise is not None

    @property
    def setting_name(self) -> str:
        return self.setting or self.name

    @property
    def switch_default(self) -> str:
        return self.default or "false"

    @property
    def label(self) -> str:
        return f"`{self.name}` (`{self.short}`)" if self.short else f"`{self.name}`"


def switch(
    name: str,
    short: str | None = None,
    *,
    default: bool = False,
    effect: FlagEffect = FlagEffect.BEHAVIOUR,
    risk: str | None = None,
    setting: str | None = None,
    negates: bool = False,
    aliases: tuple[str, ...] = (),
) -> FlagSpec:
    return FlagSpec(
        name,
        short,
        FlagKind.SWITCH,
        default=boolean_text(str(default)),
        effect=effect,
        risk=risk,
        setting=setting,
        negates=negates,
        aliases=aliases,
    )


def ignored(name: str, short: str | None = None, *, takes_value: bool = False) -> FlagSpec:
    """A flag Docker accepts and ignores; with `takes_value` it consumes a value too."""
    return FlagSpec(name, short, FlagKind.IGNORED, normalise=str if takes_value else None)


def value(
    name: str,
    short: str | None = None,
    normalise: ValueNormaliser | None = None,
    *,
    default: str | None = None,
    aliases: tuple[str, ...] = (),
    effect: FlagEffect = FlagEffect.BEHAVIOUR,
    risk: str | None = None,
    setting: str | None = None,
) -> FlagSpec:
    return FlagSpec(
        name,
        short,
        FlagKind.VALUE,
        normalise=normalise,
        aliases=aliases,
        default=default,
        effect=effect,
        risk=risk,
        setting=setting,
    )


def many(
    name: str,
    short: str | None = None,
    normalise: ValueNormaliser | None = None,
    *,
    kind: FlagKind = FlagKind.MULTISET,
    expand: ValueExpander | None = None,
    aliases: tuple[str, ...] = (),
    effect: FlagEffect = FlagEffect.BEHAVIOUR,
    risk: str | None = None,
    setting: str | None = None,
) -> FlagSpec:
    """A repeatable flag: `kind` is LIST (order matters), MULTISET, SET or MAP."""
    return FlagSpec(
        name,
        short,
        kind,
        normalise=normalise,
        expand=expand,
        aliases=aliases,
        effect=effect,
        risk=risk,
        setting=setting,
    )


def with_short(spec: FlagSpec, short: str | None) -> FlagSpec:
    return replace(spec, short=short)


HELP = switch("--help")
FORMAT = value("--format", None, go_template, default="", effect=FlagEffect.OUTPUT)
FORMAT_F = with_short(FORMAT, "-f")
QUIET = switch("--quiet", "-q", effect=FlagEffect.OUTPUT)
NO_TRUNC = switch("--no-trunc", effect=FlagEffect.PRESENTATION)
FILTER = many("--filter", None, filter_item, kind=FlagKind.SET, effect=FlagEffect.OUTPUT)
FILTER_F = with_short(FILTER, "-f")
PRUNE_FORCE = switch("--force", "-f", effect=FlagEffect.CONFIRMATION)
PRUNE_FLAGS = (PRUNE_FORCE, FILTER)
LIST_FLAGS = (FILTER_F, FORMAT, QUIET, NO_TRUNC)
CONTENT_TRUST = switch("--disable-content-trust", default=True)
SINCE = value("--since", None, since_time, effect=FlagEffect.OUTPUT)
UNTIL = value("--until", None, since_time, effect=FlagEffect.OUTPUT)
TIMESTAMPS = switch("--timestamps", "-t", effect=FlagEffect.PRESENTATION)
FOLLOW = switch("--follow", "-f", effect=FlagEffect.OUTPUT)
DETACH_KEYS = value("--detach-keys")
WORKDIR = value("--workdir", "-w")
STOP_TIMEOUT = value("--timeout", "-t", integer, aliases=("--time",), default="10")

# `docker [OPTIONS] COMMAND`: options of the client itself, before the command.
GLOBAL_FLAGS = (
    value("--config", None, host_path),
    value("--context", "-c"),
    switch("--debug", "-D", effect=FlagEffect.PRESENTATION),
    many("--host", "-H", kind=FlagKind.LIST),
    value("--log-level", "-l", lower, default="info", effect=FlagEffect.PRESENTATION),
    switch("--tls"),
    value("--tlscacert", None, host_path),
    value("--tlscert", None, host_path),
    value("--tlskey", None, host_path),
    switch("--tlsverify"),
)
VERSION_WORDS = frozenset({"--version", "-v"})
