"""The parsed form of a docker command line, shared by the parser, its settings and the grader.

A `DockerCommand` is what Docker would do, not what the learner typed: `path` is the canonical
command (`container ls` for `docker ps`), `options` are *settings* keyed by the flag that names
them (several flags may feed one setting: `-v`, `--mount` and `--tmpfs` all feed `mounts`), and
`arguments` are the positional words, normalised where Docker reads them (image references,
build contexts). Equality is equality of meaning; what was typed travels beside it
(`compare=False`) for the learner-facing messages.
"""

from dataclasses import dataclass, field
from enum import StrEnum

DOCKER_PROGRAM = "docker"


class DockerCommandError(ValueError):
    """The text is not a docker command the grader can read; the message is learner-facing."""


class FlagEffect(StrEnum):
    """What a flag changes, which decides whether an extra one is harmless in a graded answer.

    BEHAVIOUR: what Docker does (the default). PRESENTATION: how the same information is printed
    (`--no-trunc`, `--timestamps`). OUTPUT: which information is printed (`-q`, `--format`,
    `--filter`, `--tail`): never harmless, since choosing the output may be the task. LIFETIME:
    when a container goes away or whether the terminal waits for it (`--rm`, `-d`). INTERACTION:
    whether the terminal is connected (`-i`, `-t`, `-a`). CONFIRMATION: whether Docker asks
    "are you sure?" (`--force` on prune).
    """

    BEHAVIOUR = "behaviour"
    PRESENTATION = "presentation"
    OUTPUT = "output"
    LIFETIME = "lifetime"
    INTERACTION = "interaction"
    CONFIRMATION = "confirmation"


@dataclass(frozen=True, order=True)
class CliValue:
    """A value as the grader compares it (`canonical`) and as the learner typed it."""

    canonical: str
    typed: str = field(compare=False)


@dataclass(frozen=True)
class CommandOption:
    """One setting; `values` is () for an enabled switch and sorted unless order matters.

    `flags` are the long names of the flags the learner typed for it (a setting fed by several
    flags, such as `mounts`, lists each), and `effect` classifies it for the grading policy.
    """

    name: str
    values: tuple[CliValue, ...]
    label: str = field(compare=False)
    flags: tuple[str, ...] = field(compare=False, default=())
    effect: FlagEffect = field(compare=False, default=FlagEffect.BEHAVIOUR)

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
