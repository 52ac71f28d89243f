"""Compare a learner's docker command with an expected one, and say what differs.

Two commands are *equivalent* when Docker does the same for both (`DockerCommand` equality).
A graded answer may be *accepted* without being equivalent: a flag the expected command does
not have is excused when the question declares it neutral (`FlagPolicy.neutral`), or when,
with no declaration, it changes nothing the task can be asking about:

- PRESENTATION flags print the same information differently (`--no-trunc`, `--timestamps`,
  `--digests`, `-D`) and CONFIRMATION flags only skip Docker's "are you sure?" (`--force` of
  a prune);
- LIFETIME flags: `--rm` is excused, and so is `-d` unless the expected command attaches a
  terminal (`-i`, `-t`, `-a`) or runs a one-off command whose output is the point
  (`docker run alpine echo hi`);
- OUTPUT flags (`-q`, `--format`, `--filter`, `--tail`) choose *what* is printed, which may
  be the very task ("list the IDs"), so they are never excused by default.

A flag the question declares wrong (`FlagPolicy.wrong`) is a difference with the author's
reason. Every other extra flag is a difference whose message is about the task ("`--privileged`
is not needed here and gives the container full control of the host"), never a claim that the
flag does not exist. `progress_between` ranks an answer that lies between a partial answer and
a full one, for partial credit.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from graders.docker_cli_model import CliValue, CommandOption, DockerCommand, FlagEffect
from graders.docker_cli_settings import CAPABILITIES, MOUNTS
from graders.docker_cli_specs import SPECS_BY_PATH

CORRECT_MESSAGE = "Correct: the command does what was asked."
HARMLESS_BECAUSE = {
    FlagEffect.PRESENTATION: "it only changes how the output looks",
    FlagEffect.CONFIRMATION: "it only skips Docker's confirmation prompt",
    FlagEffect.LIFETIME: "it only changes how long the container lives or whether the "
    "terminal waits for it",
}
DETACH = "--detach"
# A step towards a full answer that is no use without another one: a TTY with no stdin to type
# into (`docker exec -t` without `-i`) is no more usable than no TTY.
USELESS_WITHOUT = {"--tty": "--interactive"}
VALUE_RISKS = {("--network", "host"): "removes the container's network isolation"}


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
class FlagPolicy:
    """A question's declarations: extra flags that are harmless, and extra flags that are wrong
    (with the reason shown to the learner). Flags are named in any spelling (`-d`, `--net`)."""

    neutral: tuple[str, ...] = ()
    wrong: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CommandComparison:
    """`equivalent`: Docker does the same for both. `accepted`: no difference is left once the
    policy has excused harmless extras, which `remarks` explain. `message` is learner-facing."""

    equivalent: bool
    accepted: bool
    differences: tuple[CommandDifference, ...]
    message: str
    given: DockerCommand | None
    remarks: tuple[str, ...] = ()
    excused: tuple[str, ...] = ()

    @classmethod
    def invalid(cls, message: str) -> "CommandComparison":
        difference = CommandDifference(DifferenceKind.INVALID_COMMAND, message)
        return cls(False, False, (difference,), message, None)


def flag_names(path: tuple[str, ...], flag: str) -> tuple[str, str] | None:
    """(long name, setting) of a flag spelling for a command, or None if it has no such flag."""
    spec = SPECS_BY_PATH.get(path)
    for flag_spec in spec.flags if spec else ():
        if flag in (flag_spec.name, flag_spec.short, *flag_spec.aliases):
            return flag_spec.name, flag_spec.setting_name
    return None


def compare_commands(
    expected: DockerCommand, given: DockerCommand, *, policy: FlagPolicy
) -> CommandComparison:
    if expected.path != given.path:
        message = f"This task needs `{expected.display}`, not `{given.display}`."
        difference = CommandDifference(
            DifferenceKind.WRONG_COMMAND, message, None, expected.display, given.display
        )
        return CommandComparison(False, False, (difference,), message, given)
    differences: list[CommandDifference] = []
    remarks: list[str] = []
    excused: list[str] = []
    for name in sorted({item.name for item in (*expected.options, *given.options)}):
        wanted, typed = expected.option(name), given.option(name)
        if typed is None and wanted is not None:
            differences.append(_missing(wanted))
        elif wanted is None and typed is not None:
            remark = _excuse(expected, typed, policy)
            if remark is None:
                differences.append(_unexpected(expected, typed, policy))
            else:
                remarks.append(remark)
                excused.append(name)
        elif wanted is not None and typed is not None and wanted != typed:
            differences.append(_wrong_value(wanted, typed))
    differences += _argument_differences(expected, given)
    message = "\n".join(item.message for item in differences) or CORRECT_MESSAGE
    return CommandComparison(
        expected == given,
        not differences,
        tuple(differences),
        message,
        given,
        tuple(remarks),
        tuple(excused),
    )


def progress_between(
    partial: DockerCommand,
    full: DockerCommand,
    given: DockerCommand,
    *,
    policy: FlagPolicy,
    alternatives: Sequence[DockerCommand] = (),
) -> float | None:
    """How far `given` has come from `partial` towards `full`, in 0..1, when everything it sets
    is set as one of them sets it (harmless extras aside); None when it is not between them.

    `docker exec -i web sh` lies between `docker exec web sh` and `docker exec -it web sh`, one
    of two steps along: its progress is 0.5. Where `partial` differs from `full` only in a way
    another full answer (`alternatives`) accepts (`sh` against `/bin/sh`), that is no step.
    """
    if not partial.path == full.path == given.path:
        return None
    excused = set(compare_commands(full, given, policy=policy).excused)
    start, goal = _units(partial), _units(full)
    reached = {key: item for key, item in _units(given).items() if key not in excused}
    keys = start.keys() | goal.keys() | reached.keys()
    if any(reached.get(key) not in (start.get(key), goal.get(key)) for key in keys):
        return None
    accepted = [_units(other) for other in alternatives if other.path == partial.path]
    steps = [
        key
        for key in keys
        if start.get(key) != goal.get(key)
        and not any(other.get(key) == start.get(key) for other in accepted)
    ]
    if not steps:
        return None
    done = [key for key in steps if reached.get(key) == goal.get(key)]
    useful = [
        key for key in done if USELESS_WITHOUT.get(key) not in steps or USELESS_WITHOUT[key] in done
    ]
    progress = len(useful) / len(steps)
    return progress if progress < 1 else None


def _units(command: DockerCommand) -> dict[str, object]:
    """What an answer decides: each setting, and its positional arguments."""
    units: dict[str, object] = {option.name: option.values for option in command.options}
    if _runs_image(command):
        units[" image"] = command.arguments[:1]
        units[" command"] = command.arguments[1:]
    else:
        units[" arguments"] = command.arguments
    return units


def _runs_image(command: DockerCommand) -> bool:
    spec = SPECS_BY_PATH[command.path]
    return spec.flags_end_at_first_argument and len(command.arguments) > 0


def _excuse(expected: DockerCommand, typed: CommandOption, policy: FlagPolicy) -> str | None:
    """Why an extra setting is harmless, or None when it is a difference."""
    if _declared(expected.path, typed, policy.wrong):
        return None
    if _declared(expected.path, typed, policy.neutral):
        return f"{typed.label} is not needed here, but it does no harm."
    reason = HARMLESS_BECAUSE.get(typed.effect)
    if reason is None or not _harmless_here(expected, typed):
        return None
    return f"{typed.label} is not needed here, but it does no harm: {reason}."


def _harmless_here(expected: DockerCommand, typed: CommandOption) -> bool:
    """`-d` is harmless unless the task attaches a terminal or runs a one-off command whose
    output is the point; `--rm` always is (Docker refuses it beside a restart policy)."""
    if typed.name != DETACH:
        return True
    attaches = any(option.effect is FlagEffect.INTERACTION for option in expected.options)
    runs_one_off = _runs_image(expected) and len(expected.arguments) > 1
    return not attaches and not runs_one_off


def _declared(path: tuple[str, ...], option: CommandOption, flags: Iterable[str]) -> str | None:
    """The declared spelling that names this setting, if any."""
    for spelling in flags:
        names = flag_names(path, spelling)
        if names is not None and (names[1] == option.name or names[0] in option.flags):
            return spelling
    return None


def _unexpected(
    expected: DockerCommand, typed: CommandOption, policy: FlagPolicy
) -> CommandDifference:
    declared = _declared(expected.path, typed, policy.wrong)
    if declared is not None:
        message = f"{typed.label} is wrong here: {policy.wrong[declared]}"
    else:
        risk = _risk(expected.path, typed)
        message = (
            f"{typed.label} is not needed here and {risk}."
            if risk
            else f"{typed.label} is not needed here: the task does not ask for it."
        )
    return CommandDifference(
        DifferenceKind.UNEXPECTED_OPTION, message, typed.name, None, typed.typed_values or None
    )


def _risk(path: tuple[str, ...], option: CommandOption) -> str | None:
    for item in option.values:
        if (option.name, item.canonical) in VALUE_RISKS:
            return VALUE_RISKS[(option.name, item.canonical)]
    spec = SPECS_BY_PATH[path]
    return next((flag.risk for flag in spec.flags if flag.name in option.flags and flag.risk), None)


def _missing(wanted: CommandOption) -> CommandDifference:
    shown = wanted.typed_values
    if wanted.name == CAPABILITIES:
        message = (
            "The container keeps Docker's default capabilities; the task expects exactly "
            f"{_listed(wanted.values)} (`--cap-drop`/`--cap-add`)."
        )
    elif wanted.name == MOUNTS:
        message = f"Missing mount {_listed(wanted.values)} (`-v`, `--mount` or `--tmpfs`)."
    elif wanted.name.startswith("-"):
        message = (
            f"Missing flag {wanted.label}{f' with {_listed(wanted.values)}' if shown else ''}."
        )
    else:
        message = f"Missing {wanted.label}: {shown}."
    return CommandDifference(
        DifferenceKind.MISSING_OPTION, message, wanted.name, shown or None, None
    )


def _listed(values: tuple[CliValue, ...]) -> str:
    return ", ".join(f"`{value.typed}`" for value in values) or "none"


def _wrong_value(wanted: CommandOption, typed: CommandOption) -> CommandDifference:
    if len(wanted.values) == 1 and len(typed.values) == 1:
        message = (
            f"Wrong value for {wanted.label}: expected `{wanted.values[0].typed}`, "
            f"got `{typed.values[0].typed}`."
        )
    else:
        missing = _multiset_minus(wanted.values, typed.values)
        extra = _multiset_minus(typed.values, wanted.values)
        parts = []
        if missing:
            parts.append("missing " + _listed(tuple(missing)))
        if extra:
            parts.append("unexpected " + _listed(tuple(extra)))
        if not parts:
            parts.append(f"expected {_listed(wanted.values)} in that order")
        message = f"Wrong value for {wanted.label}: {'; '.join(parts)}."
    return CommandDifference(
        DifferenceKind.WRONG_OPTION_VALUE,
        message,
        wanted.name,
        wanted.typed_values,
        typed.typed_values,
    )


def _multiset_minus(left: tuple[CliValue, ...], right: tuple[CliValue, ...]) -> list[CliValue]:
    remaining = list(right)
    result: list[CliValue] = []
    for item in left:
        if item in remaining:
            remaining.remove(item)
        else:
            result.append(item)
    return result


def _argument_differences(expected: DockerCommand, given: DockerCommand) -> list[CommandDifference]:
    wanted, typed = expected.arguments, given.arguments
    found: list[CommandDifference] = []
    if _runs_image(expected) and typed:
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
        expected_text = " ".join(item.typed for item in wanted) or "nothing"
        given_text = " ".join(item.typed for item in typed) or "nothing"
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
