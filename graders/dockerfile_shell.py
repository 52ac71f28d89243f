"""Read the shell commands inside a `RUN` instruction well enough to apply the course's rules.

This is not a shell: it splits a RUN line into simple commands at `&&`, `||`, `;` and `|`, drops
leading `VAR=value` assignments and `sudo`, and answers narrow questions such as "which packages
does this apt-get install" or "is this a pip install".
"""

import re
import shlex
from dataclasses import dataclass

from graders.dockerfile_parser import Instruction

COMMAND_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "\n"})
APT_PROGRAMS = frozenset({"apt-get", "apt"})
RPM_PROGRAMS = frozenset({"yum", "dnf", "microdnf"})
PIP_PROGRAMS = frozenset({"pip", "pip3"})
PYTHON_PROGRAMS = frozenset({"python", "python3"})
NODE_INSTALLERS: dict[str, frozenset[str]] = {
    "npm": frozenset({"ci", "install", "i", "add"}),
    "yarn": frozenset({"install", "add"}),
    "pnpm": frozenset({"install", "i", "add"}),
}
# Options that consume the next word, so it is neither a subcommand nor a package name.
OPTIONS_WITH_VALUES: dict[str, frozenset[str]] = {
    "apt-get": frozenset({"-o", "-c", "-t", "--target-release", "--option", "--config-file"}),
    "apt": frozenset({"-o", "-c", "-t", "--target-release", "--option", "--config-file"}),
    "apk": frozenset({"-t", "--virtual", "-X", "--repository", "-p", "--root"}),
    "yum": frozenset({"-c", "--config", "--enablerepo", "--disablerepo"}),
    "dnf": frozenset({"-c", "--config", "--enablerepo", "--disablerepo"}),
    "microdnf": frozenset({"--enablerepo", "--disablerepo"}),
}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VERSION_PIN = re.compile(r"[=~<>].*$")


@dataclass(frozen=True)
class ShellCommand:
    """One simple command: the program and its words, without `sudo` or `VAR=value` prefixes."""

    words: tuple[str, ...]

    @property
    def program(self) -> str:
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    @property
    def arguments(self) -> tuple[str, ...]:
        return self.words[1:]

    @property
    def subcommand(self) -> str | None:
        positional = self.positional_words()
        return positional[0] if positional else None

    def positional_words(self) -> tuple[str, ...]:
        """Words after the program that are neither options nor option values."""
        takes_value = OPTIONS_WITH_VALUES.get(self.program, frozenset())
        found: list[str] = []
        skip_next = False
        for word in self.arguments:
            if skip_next:
                skip_next = False
            elif word.startswith("-"):
                skip_next = word in takes_value
            else:
                found.append(word)
        return tuple(found)

    def has_option(self, *names: str) -> bool:
        return any(
            word == name or word.startswith(f"{name}=") for word in self.words for name in names
        )


def shell_commands(instruction: Instruction) -> tuple[ShellCommand, ...]:
    """Simple commands of a RUN instruction, in order."""
    if instruction.exec_form is not None:
        words = instruction.exec_form
        if len(words) >= 3 and words[0].endswith("sh") and words[1] == "-c":
            return commands_in(words[2])
        return (_command(words),) if words else ()
    return commands_in(instruction.arguments)


def commands_in(script: str) -> tuple[ShellCommand, ...]:
    commands: list[ShellCommand] = []
    current: list[str] = []
    for token in _tokens(script):
        if token in COMMAND_SEPARATORS:
            commands.append(_command(tuple(current)))
            current = []
        else:
            current.append(token)
    commands.append(_command(tuple(current)))
    return tuple(command for command in commands if command.words)


def _tokens(script: str) -> list[str]:
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        # Unbalanced quotes: fall back to whitespace words, good enough for pattern checks.
        return script.split()


def _command(words: tuple[str, ...]) -> ShellCommand:
    start = 0
    while start < len(words) and (_ASSIGNMENT.match(words[start]) or words[start] == "sudo"):
        start += 1
    return ShellCommand(words[start:])


def is_apt_update(command: ShellCommand) -> bool:
    return command.program in APT_PROGRAMS and command.subcommand == "update"


def is_apt_install(command: ShellCommand) -> bool:
    return command.program in APT_PROGRAMS and command.subcommand == "install"


def is_apk_add(command: ShellCommand) -> bool:
    return command.program == "apk" and command.subcommand == "add"


def is_pip_install(command: ShellCommand) -> bool:
    if command.program in PIP_PROGRAMS:
        return command.subcommand == "install"
    if command.program in PYTHON_PROGRAMS and command.arguments[:2] == ("-m", "pip"):
        return "install" in command.arguments[2:3]
    return False


def is_node_install(command: ShellCommand) -> bool:
    verbs = NODE_INSTALLERS.get(command.program)
    return verbs is not None and command.subcommand in verbs


def is_node_cache_clean(command: ShellCommand) -> bool:
    positional = command.positional_words()
    return command.program in NODE_INSTALLERS and positional[:2] in {
        ("cache", "clean"),
        ("store", "prune"),
    }


def installed_packages(command: ShellCommand) -> tuple[str, ...]:
    """Package names (version pins removed) for apt/apk/yum/dnf installs, else ()."""
    installs = (
        is_apt_install(command)
        or is_apk_add(command)
        or (command.program in RPM_PROGRAMS and command.subcommand == "install")
    )
    if not installs:
        return ()
    return tuple(_VERSION_PIN.sub("", word) for word in command.positional_words()[1:])


def removes_packages(command: ShellCommand) -> bool:
    """True for `apk del`, `apt-get purge/remove/autoremove`, `yum/dnf remove`."""
    removing = {"del", "purge", "remove", "autoremove", "erase"}
    managed = command.program in APT_PROGRAMS | RPM_PROGRAMS | {"apk"}
    return managed and command.subcommand in removing


def uses_cache_mount(instruction: Instruction) -> bool:
    """`RUN --mount=type=cache` keeps package caches out of the layer on purpose."""
    return any(
        flag.name == "mount" and "type=cache" in (flag.value or "") for flag in instruction.flags
    )


def mentions(instruction: Instruction, fragment: str) -> bool:
    text = " ".join(instruction.exec_form) if instruction.exec_form else instruction.arguments
    return fragment in text
