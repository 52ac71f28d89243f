"""Parse a Docker command line typed by a learner into a canonical form, and compare two of them.

`docker ps -a`, `docker ps --all` and `docker container ls -a` parse to the same `DockerCommand`:
the command path is canonical (`container ls`), flags are keyed by their long name, switches
given as `--flag=false` disappear, repeatable flags (`-p`, `-e`) compare as multisets, values are
normalised where Docker reads them the same way (see `docker_cli_values`), and the command after
the image in `docker run` is kept verbatim and in order. Flag parsing follows Docker's (pflag):
`-it` clusters, `-p8080:80`, `--name=web` and `--name web`, `--` ends the options.
"""

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from graders.docker_cli_flags import COMPOSE_GLOBAL_FLAGS, FlagSpec
from graders.docker_cli_specs import (
    COMMAND_ALIASES,
    MANAGEMENT_GROUPS,
    SPECS_BY_PATH,
    CommandSpec,
    ImageArguments,
)
from graders.docker_cli_values import image_reference, parse_boolean

DOCKER_PROGRAM = "docker"
COMPOSE_V1_PROGRAM = "docker-compose"
COMPOSE_GROUP = "compose"
SHELL_PROMPTS = frozenset({"$", "#", ">"})
SHELL_OPERATORS = frozenset({"|", "||", "&", "&&", ";", ";;", ">", ">>", "<", "<<", "(", ")"})
END_OF_OPTIONS = "--"


class DockerCommandError(ValueError):
    """The text is not a docker command the grader understands; the message is learner-facing."""


@dataclass(frozen=True, order=True)
class CliValue:
    """A value as the grader compares it (`canonical`) and as the learner typed it."""

    canonical: str
    typed: str = field(compare=False)


@dataclass(frozen=True)
class CommandOption:
    """One flag by its long name; `values` is () for a switch and sorted for repeatable flags."""

    name: str
    values: tuple[CliValue, ...]
    label: str = field(compare=False)

    @property
    def typed_values(self) -> str:
        return ", ".join(value.typed for value in self.values)


@dataclass(frozen=True)
class DockerCommand:
    path: tuple[str, ...]
    options: tuple[CommandOption, ...]
    arguments: tuple[CliValue, ...]
    typed_path: tuple[str, ...] = field(compare=False)
    typed: str = field(compare=False)

    @property
    def display(self) -> str:
        """The command as the learner named it, e.g. `docker ps`."""
        return " ".join((DOCKER_PROGRAM, *self.typed_path))

    def option(self, name: str) -> CommandOption | None:
        return next((item for item in self.options if item.name == name), None)


def parse_command(text: str) -> DockerCommand:
    """Parse one docker command line; raises DockerCommandError with a learner-facing message."""
    words = _words(text)
    path, typed_path, global_words, option_words = _resolve_path(words)
    spec = SPECS_BY_PATH[path]
    display = " ".join((DOCKER_PROGRAM, *typed_path))
    global_options, _ = _parse_options(
        global_words, COMPOSE_GLOBAL_FLAGS, spec, display, globals_only=True
    )
    options, arguments = _parse_options(option_words, spec.flags, spec, display)
    _check_argument_count(spec, arguments, display)
    merged = {**global_options, **options}
    return DockerCommand(
        path=path,
        options=tuple(merged[name] for name in sorted(merged)),
        arguments=_normalise_arguments(spec, arguments),
        typed_path=typed_path,
        typed=text.strip(),
    )


def commands_equivalent(a: str, b: str) -> bool:
    """True when both parse and mean the same command; raises DockerCommandError otherwise."""
    return parse_command(a) == parse_command(b)


def _words(text: str) -> list[str]:
    # A backslash-newline continues the command, as in the course's multi-line `docker run \`.
    joined = text.replace("\\\r\n", " ").replace("\\\n", " ").strip()
    if not joined:
        raise DockerCommandError("The command is empty: type a docker command such as `docker ps`.")
    lexer = shlex.shlex(joined, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        words = list(lexer)
    except ValueError as error:
        raise DockerCommandError(
            f"The command cannot be read: {error} (check that every quote is closed)."
        ) from error
    operators = [word for word in words if word in SHELL_OPERATORS]
    if operators:
        raise DockerCommandError(
            f"Type a single docker command without shell operators such as `{operators[0]}`."
        )
    if words and words[0] in SHELL_PROMPTS:
        words = words[1:]
    return words


def _resolve_path(
    words: list[str],
) -> tuple[tuple[str, ...], tuple[str, ...], list[str], list[str]]:
    """(canonical path, typed path, compose global words, remaining words)."""
    if words and words[0] == COMPOSE_V1_PROGRAM:
        words = [DOCKER_PROGRAM, COMPOSE_GROUP, *words[1:]]
    if not words or words[0] != DOCKER_PROGRAM:
        first = words[0] if words else ""
        raise DockerCommandError(f"`{first}` is not a docker command: start with `docker`.")
    rest = words[1:]
    if not rest:
        raise DockerCommandError("`docker` needs a command, such as `docker ps`.")
    if rest[0].startswith("-"):
        raise DockerCommandError(
            f"Put the command right after `docker`; options such as `{rest[0]}` before it are "
            "not supported here."
        )
    global_words: list[str] = []
    if rest[0] == COMPOSE_GROUP:
        global_words, rest = _split_compose_globals(rest[1:])
        rest = [COMPOSE_GROUP, *rest]
    for length in (2, 1):
        typed = tuple(rest[:length])
        if len(typed) == length and typed in COMMAND_ALIASES:
            return COMMAND_ALIASES[typed], typed, global_words, rest[length:]
    raise DockerCommandError(_unknown_command_message(rest))


def _split_compose_globals(words: list[str]) -> tuple[list[str], list[str]]:
    takes_value = {
        name
        for spec in COMPOSE_GLOBAL_FLAGS
        if spec.takes_value
        for name in (spec.name, spec.short)
        if name
    }
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in takes_value else 1
    return words[:index], words[index:]


def _unknown_command_message(rest: list[str]) -> str:
    group = rest[0]
    if group in MANAGEMENT_GROUPS:
        known = sorted(path[1] for path in SPECS_BY_PATH if path[0] == group and len(path) == 2)
        if len(rest) < 2:
            return f"`docker {group}` needs a subcommand: one of {', '.join(known)}."
        return (
            f"`docker {group} {rest[1]}` is not a command the grader knows; "
            f"`docker {group}` has {', '.join(known)}."
        )
    return f"`docker {group}` is not a docker command the grader knows."


def _parse_options(
    words: Sequence[str],
    flags: tuple[FlagSpec, ...],
    spec: CommandSpec,
    display: str,
    *,
    globals_only: bool = False,
) -> tuple[dict[str, CommandOption], list[str]]:
    parser = _OptionParser(flags, display)
    arguments: list[str] = []
    queue = list(words)
    options_done = False
    while queue:
        word = queue.pop(0)
        if not options_done and word == END_OF_OPTIONS:
            options_done = True
        elif options_done or word == "-" or not word.startswith("-"):
            if globals_only:
                raise DockerCommandError(f"Unexpected `{word}` before the compose command.")
            arguments.append(word)
            options_done = options_done or spec.flags_end_at_first_argument
        elif word.startswith("--"):
            parser.long_flag(word, queue)
        else:
            parser.short_flags(word, queue)
    return parser.options(), arguments


class _OptionParser:
    """Collects flag values the way pflag does: last value wins unless the flag repeats."""

    def __init__(self, flags: tuple[FlagSpec, ...], command: str) -> None:
        self._command = command
        self._by_name = {name: spec for spec in flags for name in (spec.name, *spec.aliases)}
        self._by_short = {spec.short: spec for spec in flags if spec.short}
        self._values: dict[str, list[CliValue]] = {}
        self._switches: dict[str, bool] = {}
        self._specs: dict[str, FlagSpec] = {}

    def long_flag(self, word: str, queue: list[str]) -> None:
        name, has_value, value = word.partition("=")
        spec = self._by_name.get(name)
        if spec is None:
            raise DockerCommandError(f"`{self._command}` has no flag `{name}`.")
        if not spec.takes_value:
            self._switch(spec, value if has_value else None, word)
        else:
            self._value(spec, value if has_value else self._next_value(spec, word, queue))

    def short_flags(self, word: str, queue: list[str]) -> None:
        cluster = word[1:]
        for index, letter in enumerate(cluster):
            spec = self._by_short.get(f"-{letter}")
            if spec is None:
                raise DockerCommandError(
                    f"`{self._command}` has no flag `-{letter}` (in `{word}`)."
                )
            rest = cluster[index + 1 :]
            if spec.takes_value:
                attached = rest.removeprefix("=")
                self._value(spec, attached or self._next_value(spec, word, queue))
                return
            if rest.startswith("="):
                self._switch(spec, rest[1:], word)
                return
            self._switch(spec, None, word)

    def _next_value(self, spec: FlagSpec, word: str, queue: list[str]) -> str:
        if not queue:
            raise DockerCommandError(f"The flag `{word}` needs a value.")
        following = queue[0]
        name = following.partition("=")[0]
        if name in self._by_name or (len(following) == 2 and following in self._by_short):
            raise DockerCommandError(
                f"The flag `{word}` needs a value, but `{following}` follows it."
            )
        return queue.pop(0)

    def _switch(self, spec: FlagSpec, value: str | None, word: str) -> None:
        try:
            enabled = True if value is None else parse_boolean(value)
        except ValueError as error:
            raise DockerCommandError(f"`{word}`: {error}.") from error
        self._specs[spec.name] = spec
        self._switches[spec.name] = enabled

    def _value(self, spec: FlagSpec, value: str) -> None:
        try:
            canonical = spec.normalise(value) if spec.normalise else value
        except ValueError as error:
            raise DockerCommandError(f"The value of `{spec.name}` is invalid: {error}.") from error
        self._specs[spec.name] = spec
        previous = self._values.get(spec.name, []) if spec.repeatable else []
        self._values[spec.name] = [*previous, CliValue(canonical, value)]

    def options(self) -> dict[str, CommandOption]:
        found = {
            name: CommandOption(name, (), self._specs[name].label)
            for name, enabled in self._switches.items()
            if enabled
        }
        for name, values in self._values.items():
            found[name] = CommandOption(name, tuple(sorted(values)), self._specs[name].label)
        return found


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


def _normalise_arguments(spec: CommandSpec, arguments: list[str]) -> tuple[CliValue, ...]:
    values: list[CliValue] = []
    for index, argument in enumerate(arguments):
        is_image = spec.images is ImageArguments.ALL or (
            spec.images is ImageArguments.FIRST and index == 0
        )
        try:
            canonical = image_reference(argument) if is_image else argument
        except ValueError as error:
            raise DockerCommandError(f"`{argument}` is not a valid image name.") from error
        values.append(CliValue(canonical, argument))
    return tuple(sorted(values)) if spec.unordered_arguments else tuple(values)


class DifferenceKind(StrEnum):
    INVALID_COMMAND = "invalid-command"
    WRONG_COMMAND = "wrong-command"
    MISSING_OPTION = "missing-option"
    UNEXPECTED_OPTION = "unexpected-option"
    WRONG_OPTION_VALUE = "wrong-option-value"
    WRONG_IMAGE = "wrong-image"
    WRONG_ARGUMENTS = "wrong-arguments"


@dataclass(frozen=True)
class CommandDifference:
    kind: DifferenceKind
    message: str
    option: str | None = None
    expected: str | None = None
    given: str | None = None


@dataclass(frozen=True)
class CommandComparison:
    """`message` is learner-facing: "correct", or one line per difference."""

    equivalent: bool
    differences: tuple[CommandDifference, ...]
    message: str
    given: DockerCommand | None


CORRECT_MESSAGE = "Correct: the command does what was asked."


def compare(expected: str, given: str) -> CommandComparison:
    """Compare a learner's command with the expected one.

    An unparseable `given` is a learner mistake and becomes an INVALID_COMMAND difference; an
    unparseable `expected` is an authoring bug and raises DockerCommandError.
    """
    wanted = parse_command(expected)
    try:
        typed = parse_command(given)
    except DockerCommandError as error:
        difference = CommandDifference(DifferenceKind.INVALID_COMMAND, str(error))
        return CommandComparison(False, (difference,), str(error), None)
    differences = command_differences(wanted, typed)
    message = "\n".join(item.message for item in differences) or CORRECT_MESSAGE
    return CommandComparison(not differences, differences, message, typed)


def command_differences(
    expected: DockerCommand, given: DockerCommand
) -> tuple[CommandDifference, ...]:
    if expected.path != given.path:
        message = f"This task needs `{expected.display}`, not `{given.display}`."
        return (
            CommandDifference(
                DifferenceKind.WRONG_COMMAND, message, None, expected.display, given.display
            ),
        )
    found = [*_option_differences(expected, given), *_argument_differences(expected, given)]
    return tuple(found)


def _option_differences(expected: DockerCommand, given: DockerCommand) -> list[CommandDifference]:
    found: list[CommandDifference] = []
    names = sorted({item.name for item in (*expected.options, *given.options)})
    for name in names:
        wanted, typed = expected.option(name), given.option(name)
        if typed is None and wanted is not None:
            found.append(_missing(wanted))
        elif wanted is None and typed is not None:
            message = f"Unexpected flag {typed.label}: this task does not need it."
            found.append(
                CommandDifference(
                    DifferenceKind.UNEXPECTED_OPTION, message, name, None, typed.typed_values
                )
            )
        elif wanted is not None and typed is not None and wanted != typed:
            found.append(_wrong_value(wanted, typed))
    return found


def _missing(wanted: CommandOption) -> CommandDifference:
    suffix = f" {wanted.typed_values}" if wanted.values else ""
    return CommandDifference(
        DifferenceKind.MISSING_OPTION,
        f"Missing flag {wanted.label}{suffix}.",
        wanted.name,
        wanted.typed_values or None,
        None,
    )


def _wrong_value(wanted: CommandOption, typed: CommandOption) -> CommandDifference:
    if len(wanted.values) == 1 and len(typed.values) == 1:
        message = (
            f"Wrong value for {wanted.label}: expected `{wanted.values[0].typed}`, "
            f"got `{typed.values[0].typed}`."
        )
        return CommandDifference(
            DifferenceKind.WRONG_OPTION_VALUE,
            message,
            wanted.name,
            wanted.typed_values,
            typed.typed_values,
        )
    missing = _multiset_minus(wanted.values, typed.values)
    extra = _multiset_minus(typed.values, wanted.values)
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f"`{value.typed}`" for value in missing))
    if extra:
        parts.append("unexpected " + ", ".join(f"`{value.typed}`" for value in extra))
    return CommandDifference(
        DifferenceKind.WRONG_OPTION_VALUE,
        f"Wrong value for {wanted.label}: {'; '.join(parts)}.",
        wanted.name,
        wanted.typed_values,
        typed.typed_values,
    )


def _multiset_minus(left: tuple[CliValue, ...], right: tuple[CliValue, ...]) -> list[CliValue]:
    remaining = list(right)
    result: list[CliValue] = []
    for value in left:
        if value in remaining:
            remaining.remove(value)
        else:
            result.append(value)
    return result


def _argument_differences(expected: DockerCommand, given: DockerCommand) -> list[CommandDifference]:
    wanted, typed = expected.arguments, given.arguments
    found: list[CommandDifference] = []
    if SPECS_BY_PATH[expected.path].images is ImageArguments.FIRST:
        if wanted[0] != typed[0]:
            expected_image, given_image = wanted[0].typed, typed[0].typed
            found.append(
                CommandDifference(
                    DifferenceKind.WRONG_IMAGE,
                    f"Wrong image: expected `{expected_image}`, got `{given_image}`.",
                    None,
                    expected_image,
                    given_image,
                )
            )
        wanted, typed = wanted[1:], typed[1:]
    if wanted != typed:
        expected_text = " ".join(value.typed for value in wanted) or "nothing"
        given_text = " ".join(value.typed for value in typed) or "nothing"
        found.append(
            CommandDifference(
                DifferenceKind.WRONG_ARGUMENTS,
                f"Wrong arguments: expected `{expected_text}`, got `{given_text}`.",
                None,
                expected_text,
                given_text,
            )
        )
    return found
