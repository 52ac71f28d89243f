"""Parse a Docker command line typed by a learner into what Docker would do, and compare two.

`docker ps -a`, `docker ps --all` and `docker container ls -a` parse to the same
`DockerCommand`: the command path is canonical (`container ls`), flags become settings keyed by
their long name, values are normalised where Docker reads them the same way
(`docker_cli_values`, `_mounts`, `_ports`, `_images`), flags set to Docker's default disappear,
several flags that feed one setting are combined (`docker_cli_settings`), and the command after
the image in `docker run` is kept verbatim and in order. Flag parsing follows Docker's (pflag):
`-it` clusters, `-p8080:80`, `--name=web` and `--name web`, a value may start with `-`
(`--memory-swap -1`), `--` ends the options, and global options (`docker -H …`) come first.

`commands_equivalent(a, b)` is strict: it answers "does Docker do the same thing for both?", so
`docker run --rm nginx` and `docker run nginx` differ, as do `docker ps -q` and `docker ps`
(they print different things). Which differences a graded answer may have anyway is the
grading policy's business (`docker_cli_compare`). DockerCommandError is raised only for text
Docker would not run: not a docker command, a shell pipeline, an unknown command or flag, a
value Docker refuses, or options the CLI refuses together.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from graders.docker_cli_command_spec import CommandSpec
from graders.docker_cli_compare import (
    CORRECT_MESSAGE,
    CommandComparison,
    CommandDifference,
    DifferenceKind,
    FlagPolicy,
    compare_commands,
    flag_names,
)
from graders.docker_cli_flags import GLOBAL_FLAGS, VERSION_WORDS, FlagKind, FlagSpec
from graders.docker_cli_model import (
    DOCKER_PROGRAM,
    CliValue,
    CommandOption,
    DockerCommand,
    DockerCommandError,
)
from graders.docker_cli_shell import read_shell_line
from graders.docker_cli_specs import (
    COMMAND_ALIASES,
    COMPOSE_GLOBAL_FLAGS,
    COMPOSE_GROUP,
    LONGEST_PATH,
    MANAGEMENT_GROUPS,
    SPECS_BY_PATH,
)
from graders.docker_cli_values import host_path, parse_boolean

__all__ = [
    "CORRECT_MESSAGE",
    "CliValue",
    "CommandComparison",
    "CommandDifference",
    "CommandOption",
    "DifferenceKind",
    "DockerCommand",
    "DockerCommandError",
    "FlagPolicy",
    "commands_equivalent",
    "compare",
    "flag_setting",
    "parse_command",
]

COMPOSE_V1_PROGRAM = "docker-compose"
END_OF_OPTIONS = "--"
VERSION_PATH = ("--version",)
HELP = "--help"
HELP_PATH = (HELP,)
HELP_WORDS = frozenset({HELP, "-h"})
# Redirections that are a flag of the command itself (`docker save nginx > nginx.tar`).
REDIRECTED_FLAGS: dict[tuple[tuple[str, ...], str], str] = {
    (("image", "save"), ">"): "--output",
    (("container", "export"), ">"): "--output",
    (("image", "load"), "<"): "--input",
}
STREAMS = {">": "stdout", ">>": "stdout-append", "<": "stdin", "2>": "stderr"}


@dataclass(frozen=True)
class _Occurrence:
    """One flag as typed: its spec, its value (None for a bare switch) and the word it was in."""

    spec: FlagSpec
    text: str | None
    word: str


def parse_command(text: str) -> DockerCommand:
    """Parse one docker command line; raises DockerCommandError with a learner-facing message."""
    line = read_shell_line(text)
    words = _program_words(line.words)
    global_words, rest = _leading_flags(words, GLOBAL_FLAGS)
    for flags, only_path in ((VERSION_WORDS, VERSION_PATH), (HELP_WORDS, HELP_PATH)):
        if not rest and any(word in flags for word in global_words):
            return DockerCommand(only_path, (), (), only_path, text.strip())
    global_options = _settings(_parse_flags(global_words, GLOBAL_FLAGS, "docker"))
    path, typed_path, compose_words, option_words = _resolve_path(rest)
    spec = SPECS_BY_PATH[path]
    display = " ".join((DOCKER_PROGRAM, *typed_path))
    compose_options = _settings(_parse_flags(compose_words, COMPOSE_GLOBAL_FLAGS, display))
    occurrences, arguments = _parse_options(option_words, spec, display)
    occurrences += _redirected_flags(spec, line.redirections)
    options = {**global_options, **compose_options, **_settings(occurrences)}
    options.update(_streams(spec, line.redirections))
    if HELP in options:
        # `--help` prints the command's usage and does nothing else, whatever follows it.
        return DockerCommand(path, (options[HELP],), (), typed_path, text.strip())
    _check_argument_count(spec, arguments, display)
    command = DockerCommand(
        path=path,
        options=tuple(options[name] for name in sorted(options)),
        arguments=_normalise_arguments(spec, arguments, line.substitutions),
        typed_path=typed_path,
        typed=text.strip(),
    )
    return spec.resolve(command) if spec.resolve is not None else command


def commands_equivalent(a: str, b: str) -> bool:
    """True when both parse and Docker does the same for both; raises DockerCommandError when
    either is not a docker command Docker would run."""
    return parse_command(a) == parse_command(b)


def compare(expected: str, given: str, *, policy: FlagPolicy | None = None) -> CommandComparison:
    """Compare a learner's command with the expected one under a grading policy.

    An unparseable `given` is a learner mistake and becomes an INVALID_COMMAND difference; an
    unparseable `expected` is an authoring bug and raises DockerCommandError.
    """
    wanted = parse_command(expected)
    try:
        typed = parse_command(given)
    except DockerCommandError as error:
        return CommandComparison.invalid(str(error))
    return compare_commands(wanted, typed, policy=policy or FlagPolicy())


def flag_setting(path: tuple[str, ...], flag: str) -> str | None:
    """The setting a flag spelling (`-d`, `--net`, `--detach`) writes for a command, or None."""
    names = flag_names(path, flag)
    return names[1] if names is not None else None


def _redirected_flags(
    spec: CommandSpec, redirections: tuple[tuple[str, str], ...]
) -> list[_Occurrence]:
    """`docker save nginx > nginx.tar` writes the archive as `-o nginx.tar` does."""
    found = []
    for operator, target in redirections:
        name = REDIRECTED_FLAGS.get((spec.path, operator))
        flag = next((item for item in spec.flags if item.name == name), None)
        if flag is not None:
            found.append(_Occurrence(flag, target, f"{operator} {target}"))
    return found


def _streams(
    spec: CommandSpec, redirections: tuple[tuple[str, str], ...]
) -> dict[str, CommandOption]:
    """Other redirections stay part of the command: `docker logs web > log.txt` differs."""
    found: dict[str, CommandOption] = {}
    for operator, target in redirections:
        if (spec.path, operator) in REDIRECTED_FLAGS:
            continue
        name = STREAMS[operator]
        canonical = target if target.startswith("&") else host_path(target)
        value = CliValue(canonical, f"{operator} {target}")
        found[name] = CommandOption(name, (value,), f"the redirection `{operator}`", (operator,))
    return found


def _substitution(inner: str) -> str:
    """A command substitution means what its command means: `$(docker ps -aq)` is
    `$(docker ps -a -q)`."""
    try:
        command = parse_command(inner)
    except DockerCommandError:
        return f"$({inner})"
    options = " ".join(
        f"{option.name}={','.join(value.canonical for value in option.values)}"
        for option in command.options
    )
    arguments = " ".join(value.canonical for value in command.arguments)
    return f"$(docker {' '.join(command.path)} {options} -- {arguments})"


def _program_words(words: list[str]) -> list[str]:
    """The words after `docker` (`docker-compose` is `docker compose`)."""
    if words and words[0] == COMPOSE_V1_PROGRAM:
        return [COMPOSE_GROUP, *words[1:]]
    if not words or words[0] != DOCKER_PROGRAM:
        first = words[0] if words else ""
        raise DockerCommandError(f"`{first}` is not a docker command: start with `docker`.")
    if len(words) == 1:
        raise DockerCommandError("`docker` needs a command, such as `docker ps`.")
    return words[1:]


def _leading_flags(words: list[str], flags: tuple[FlagSpec, ...]) -> tuple[list[str], list[str]]:
    """Split off the options that come before a command word (`docker -H x ps`)."""
    by_name = {name: spec for spec in flags for name in (spec.name, spec.short, *spec.aliases)}
    index = 0
    while index < len(words) and words[index].startswith("-") and words[index] != END_OF_OPTIONS:
        index += 1 + _needs_next_word(words[index], by_name)
    return words[:index], words[index:]


def _needs_next_word(word: str, by_name: dict[str | None, FlagSpec]) -> bool:
    """Whether a flag word takes its value from the next word (`-H x`, not `-Hx`, `--host=x`)."""
    if word.startswith("--"):
        spec = by_name.get(word)
        return spec is not None and spec.takes_value
    for position, letter in enumerate(word[1:], start=1):
        spec = by_name.get(f"-{letter}")
        if spec is None:
            return False
        if spec.takes_value:
            return position == len(word) - 1
    return False


def _resolve_path(
    words: list[str],
) -> tuple[tuple[str, ...], tuple[str, ...], list[str], list[str]]:
    """(canonical path, typed path, compose global words, remaining words)."""
    if not words:
        raise DockerCommandError("`docker` needs a command, such as `docker ps`.")
    compose_words: list[str] = []
    head: list[str] = []
    if words[0] == COMPOSE_GROUP:
        compose_words, words = _leading_flags(words[1:], COMPOSE_GLOBAL_FLAGS)
        head, words = [COMPOSE_GROUP], words
    for length in range(LONGEST_PATH - len(head), 0, -1):
        typed = (*head, *words[:length])
        if len(words) >= length and typed in COMMAND_ALIASES:
            return COMMAND_ALIASES[typed], typed, compose_words, words[length:]
    raise DockerCommandError(_unknown_command_message([*head, *words]))


def _unknown_command_message(rest: list[str]) -> str:
    group = rest[0]
    if group in MANAGEMENT_GROUPS:
        known = sorted(" ".join(path[1:]) for path in COMMAND_ALIASES if path[0] == group)
        if len(rest) < 2 or rest[1].startswith("-"):
            return f"`docker {group}` needs a subcommand: one of {', '.join(known)}."
        return (
            f"`docker {group} {rest[1]}` is not a command the grader knows; "
            f"`docker {group}` has {', '.join(known)}."
        )
    if group.startswith("-"):
        return f"The grader does not expect the option `{group}` before the command."
    return f"`docker {group}` is not a docker command the grader knows."


def _parse_flags(
    words: Sequence[str], flags: tuple[FlagSpec, ...], display: str
) -> list[_Occurrence]:
    parser = _OptionParser(flags, display)
    queue = list(words)
    while queue:
        word = queue.pop(0)
        if word.startswith("--"):
            parser.long_flag(word, queue)
        else:
            parser.short_flags(word, queue)
    return parser.occurrences


def _parse_options(
    words: Sequence[str], spec: CommandSpec, display: str
) -> tuple[list[_Occurrence], list[str]]:
    parser = _OptionParser(spec.flags, display)
    arguments: list[str] = []
    queue = list(words)
    options_done = False
    while queue:
        word = queue.pop(0)
        if not options_done and word == END_OF_OPTIONS:
            options_done = True
        elif options_done or word == "-" or not word.startswith("-"):
            arguments.append(word)
            options_done = options_done or spec.flags_end_at_first_argument
        elif word.startswith("--"):
            parser.long_flag(word, queue)
        else:
            parser.short_flags(word, queue)
    return parser.occurrences, arguments


class _OptionParser:
    """Reads flags the way pflag does and records every occurrence in order."""

    def __init__(self, flags: tuple[FlagSpec, ...], command: str) -> None:
        self._command = command
        self._by_name = {name: spec for spec in flags for name in (spec.name, *spec.aliases)}
        self._by_short = {spec.short: spec for spec in flags if spec.short}
        self.occurrences: list[_Occurrence] = []

    def long_flag(self, word: str, queue: list[str]) -> None:
        name, has_value, text = word.partition("=")
        spec = self._by_name.get(name)
        if spec is None:
            raise DockerCommandError(self._unexpected(name, word))
        if not spec.takes_value:
            self._record(spec, text if has_value else None, word)
        else:
            self._record(spec, text if has_value else self._next_value(word, queue), word)

    def short_flags(self, word: str, queue: list[str]) -> None:
        cluster = word[1:]
        for index, letter in enumerate(cluster):
            spec = self._by_short.get(f"-{letter}")
            if spec is None:
                raise DockerCommandError(self._unexpected(f"-{letter}", word))
            rest = cluster[index + 1 :]
            if spec.takes_value:
                attached = rest.removeprefix("=")
                self._record(spec, attached or self._next_value(word, queue), word)
                return
            if rest.startswith("="):
                self._record(spec, rest[1:], word)
                return
            self._record(spec, None, word)

    def _unexpected(self, flag: str, word: str) -> str:
        within = f" (in `{word}`)" if word != flag and not word.startswith(f"{flag}=") else ""
        return (
            f"The grader does not expect `{flag}`{within} with `{self._command}`: it is not "
            "among the options it knows for this command. Check the spelling, or leave it out "
            "if the task does not ask for it."
        )

    def _next_value(self, word: str, queue: list[str]) -> str:
        if not queue:
            raise DockerCommandError(f"The flag `{word}` needs a value.")
        following = queue[0]
        if self._is_flag(following):
            raise DockerCommandError(
                f"The flag `{word}` needs a value, but `{following}` follows it."
            )
        return queue.pop(0)

    def _is_flag(self, word: str) -> bool:
        if word.startswith("--"):
            return word.partition("=")[0] in self._by_name
        return len(word) > 1 and word.startswith("-") and f"-{word[1]}" in self._by_short

    def _record(self, spec: FlagSpec, text: str | None, word: str) -> None:
        if spec.kind is FlagKind.SWITCH and text is not None:
            try:
                parse_boolean(text)
            except ValueError as error:
                raise DockerCommandError(f"`{word}`: {error}.") from error
        self.occurrences.append(_Occurrence(spec, text, word))


def _settings(occurrences: list[_Occurrence]) -> dict[str, CommandOption]:
    grouped: dict[str, list[_Occurrence]] = {}
    for occurrence in occurrences:
        if occurrence.spec.kind is not FlagKind.IGNORED:
            grouped.setdefault(occurrence.spec.setting_name, []).append(occurrence)
    found: dict[str, CommandOption] = {}
    for name, items in grouped.items():
        option = _setting(name, items)
        if option is not None:
            found[name] = option
    return found


def _setting(name: str, items: list[_Occurrence]) -> CommandOption | None:
    owner = next((item.spec for item in items if item.spec.name == name), items[0].spec)
    flags = tuple(dict.fromkeys(item.spec.name for item in items))
    if owner.kind is FlagKind.SWITCH:
        values = _switch_values(items[-1], owner)
    elif owner.kind is FlagKind.VALUE:
        values = _normalised(items[-1])
        if values[0].canonical == owner.default:
            return None
    else:
        values = _collected(owner.kind, [value for item in items for value in _normalised(item)])
    if values is None:
        return None
    return CommandOption(name, values, owner.label, flags, owner.effect)


def _switch_values(last: _Occurrence, owner: FlagSpec) -> tuple[CliValue, ...] | None:
    enabled = True if last.text is None else parse_boolean(last.text)
    if last.spec.negates:
        enabled = not enabled
    if ("true" if enabled else "false") == owner.switch_default:
        return None
    return () if enabled else (CliValue("false", last.word),)


def _normalised(item: _Occurrence) -> tuple[CliValue, ...]:
    spec, text = item.spec, item.text or ""
    try:
        if spec.expand is not None:
            return tuple(CliValue(canonical, text) for canonical in spec.expand(text))
        return (CliValue(spec.normalise(text) if spec.normalise else text, text),)
    except ValueError as error:
        raise DockerCommandError(f"The value of `{spec.name}` is invalid: {error}.") from error


def _collected(kind: FlagKind, values: list[CliValue]) -> tuple[CliValue, ...]:
    if kind is FlagKind.LIST:
        return tuple(values)
    if kind is FlagKind.SET:
        unique = {value.canonical: value for value in reversed(values)}
        return tuple(sorted(unique.values()))
    if kind is FlagKind.MAP:
        by_key = {value.canonical.partition("=")[0]: value for value in values}
        return tuple(sorted(by_key.values()))
    return tuple(sorted(values))


def _check_argument_count(spec: CommandSpec, arguments: list[str], display: str) -> None:
    count = len(arguments)
    if spec.max_arguments == 0 and arguments:
        raise DockerCommandError(
            f"`{display}` takes no arguments, but got `{' '.join(arguments)}`."
        )
    too_few = count < spec.min_arguments
    too_many = spec.max_arguments is not None and count > spec.max_arguments
    if too_few or too_many:
        raise DockerCommandError(
            f"`{display}` expects {spec.usage}, but got "
            f"{count} argument{'s' if count != 1 else ''}."
        )


def _normalise_arguments(
    spec: CommandSpec, arguments: list[str], substitutions: dict[str, str]
) -> tuple[CliValue, ...]:
    values: list[CliValue] = []
    for index, argument in enumerate(arguments):
        if argument in substitutions:
            values.append(CliValue(_substitution(substitutions[argument]), argument))
            continue
        normalise = spec.first_argument if index == 0 else spec.other_arguments
        if spec.flags_end_at_first_argument and index > 0:
            normalise = None
        try:
            canonical = normalise(argument) if normalise else argument
        except ValueError as error:
            raise DockerCommandError(f"`{argument}` is not valid here: {error}.") from error
        values.append(CliValue(canonical, argument))
    return tuple(sorted(values)) if spec.unordered_arguments else tuple(values)
