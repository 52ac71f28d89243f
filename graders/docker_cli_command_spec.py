"""What one docker subcommand accepts: its flags, its positional arguments, and the rules that
combine several flags into one setting (its `resolve` step)."""

from collections.abc import Callable
from dataclasses import dataclass

from graders.docker_cli_flags import HELP, FlagSpec
from graders.docker_cli_model import DockerCommand
from graders.docker_cli_values import ValueNormaliser

CommandResolver = Callable[[DockerCommand], DockerCommand]


@dataclass(frozen=True)
class CommandSpec:
    path: tuple[str, ...]
    usage: str
    flags: tuple[FlagSpec, ...] = ()
    aliases: tuple[str, ...] = ()
    min_arguments: int = 0
    max_arguments: int | None = None
    # How positional arguments are normalised: the first one, and every later one.
    first_argument: ValueNormaliser | None = None
    other_arguments: ValueNormaliser | None = None
    unordered_arguments: bool = False
    # `docker run IMAGE ls -la`: after the first argument, every word belongs to the command.
    flags_end_at_first_argument: bool = False
    resolve: CommandResolver | None = None

    @property
    def display(self) -> str:
        return "docker " + " ".join(self.path)


def command(
    path: str,
    usage: str,
    *flags: FlagSpec,
    aliases: tuple[str, ...] = (),
    min_arguments: int = 0,
    max_arguments: int | None = None,
    first_argument: ValueNormaliser | None = None,
    other_arguments: ValueNormaliser | None = None,
    unordered_arguments: bool = False,
    flags_end_at_first_argument: bool = False,
    resolve: CommandResolver | None = None,
) -> CommandSpec:
    """A command spec; every docker command also takes `--help`."""
    names = {spec.name for spec in flags}
    return CommandSpec(
        path=tuple(path.split()),
        usage=usage,
        flags=flags if HELP.name in names else (*flags, HELP),
        aliases=aliases,
        min_arguments=min_arguments,
        max_arguments=max_arguments,
        first_argument=first_argument,
        other_arguments=other_arguments,
        unordered_arguments=unordered_arguments,
        flags_end_at_first_argument=flags_end_at_first_argument,
        resolve=resolve,
    )


def targets(path: str, usage: str, *flags: FlagSpec, aliases: tuple[str, ...] = ()) -> CommandSpec:
    """A command acting on one or more named objects, in any order (`docker rm a b`)."""
    return command(path, usage, *flags, aliases=aliases, min_arguments=1, unordered_arguments=True)


def no_arguments(
    path: str,
    *flags: FlagSpec,
    aliases: tuple[str, ...] = (),
    resolve: CommandResolver | None = None,
) -> CommandSpec:
    return command(
        path, "(no arguments)", *flags, aliases=aliases, max_arguments=0, resolve=resolve
    )
