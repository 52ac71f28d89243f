"""Read the shell commands a `RUN` executes well enough to apply the course's rules.

This is not a shell. It splits the script into simple commands at `&&`, `||`, `;`, `|`, `&`,
newlines and parentheses, drops comments, backslash-newline continuations, leading
`VAR=value` assignments (kept aside), `sudo`/`env`/`exec`/`command` and keywords such as `then`,
and answers narrow questions: "which packages does this apt-get install", "is this a pip
install", "does a later command remove this folder".

Heredocs count as Docker runs them: `RUN <<EOT` (optionally `<<EOT bash -e`) runs the body as
the script, a body that starts with `#!` runs with that interpreter, and `RUN sh <<EOF` /
`bash <<EOF` feed the body to a shell; bodies given to other programs (`cat <<EOF > file`,
`python3 <<EOF`) are data, not shell commands.
"""

import posixpath
import re
import shlex
from dataclasses import dataclass
from functools import lru_cache

from graders.dockerfile_lexer import heredoc_from_word
from graders.dockerfile_model import Instruction

SHELL_PROGRAMS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
APT_PROGRAMS = frozenset({"apt-get", "apt"})
RPM_PROGRAMS = frozenset({"yum", "dnf", "microdnf"})
PIP_PROGRAM = re.compile(r"^pip(?:3(?:\.\d+)?)?$")
PYTHON_PROGRAM = re.compile(r"^python(?:3(?:\.\d+)?)?$")
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
# Words that come before the program without being it.
PREFIX_WORDS = frozenset(
    {
        "sudo",
        "exec",
        "command",
        "nohup",
        "time",
        "then",
        "do",
        "else",
        "elif",
        "if",
        "while",
        "until",
        "!",
        "{",
        "}",
    }
)
HOME_PREFIXES = ("~/", "$HOME/", "${HOME}/")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VERSION_PIN = re.compile(r"[=~<>].*$")
_PUNCTUATION = ";&|()\n"
_HOME_FOLDER = re.compile(r"^(?:/root|/home/[^/]+)/")


@dataclass(frozen=True)
class ShellCommand:
    """One simple command: the program and its words, without prefixes; `assignments` holds
    the `VAR=value` words written before the program."""

    words: tuple[str, ...]
    assignments: tuple[str, ...] = ()

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

    def option_value(self, *names: str) -> str | None:
        """The value of `--name value` or `--name=value` (the last one given)."""
        found = None
        for index, word in enumerate(self.words):
            for name in names:
                if word == name and index + 1 < len(self.words):
                    found = self.words[index + 1]
                elif word.startswith(f"{name}="):
                    found = word.partition("=")[2]
        return found


# Several rules read the same RUN; a learner's Dockerfile holds at most a few thousand.
SHELL_CACHE_SIZE = 4096


@lru_cache(maxsize=SHELL_CACHE_SIZE)
def shell_commands(instruction: Instruction) -> tuple[ShellCommand, ...]:
    """Simple commands a RUN executes, in order, heredoc scripts included."""
    if instruction.exec_form is not None:
        words = instruction.exec_form
        if is_shell_wrapper(words):
            return commands_in(words[2]) if len(words) > 2 else ()
        return (_command(words),) if words else ()
    line_commands = commands_in(instruction.arguments)
    scripts: list[ShellCommand] = []
    for heredoc in instruction.heredocs:
        if _runs_as_script(instruction.arguments, heredoc.name, heredoc.content):
            scripts.extend(commands_in(heredoc.content))
    return line_commands + tuple(scripts)


def is_shell_wrapper(words: tuple[str, ...]) -> bool:
    """`["sh", "-c", ...]` and the like: a shell runs the rest, as in shell form."""
    return (
        len(words) >= 2
        and words[0].rsplit("/", 1)[-1] in SHELL_PROGRAMS
        and words[1].startswith("-")
        and "c" in words[1]
    )


def _runs_as_script(arguments: str, name: str, content: str) -> bool:
    first_line = content.split("\n", 1)[0]
    if first_line.startswith("#!"):
        interpreter = first_line[2:].split()
        program = interpreter[-1] if interpreter and interpreter[0].endswith("env") else ""
        program = program or (interpreter[0] if interpreter else "")
        return program.rsplit("/", 1)[-1] in SHELL_PROGRAMS
    words = arguments.split()
    for position, word in enumerate(words):
        opened = heredoc_from_word(word)
        if opened is None or opened.name != name:
            continue
        if position == 0:
            # `RUN <<EOT [program args]`: the default shell, or the program named after it.
            return len(words) == 1 or words[1].rsplit("/", 1)[-1] in SHELL_PROGRAMS
        program = _command(tuple(words[:position])).program
        return program in SHELL_PROGRAMS
    return False


def commands_in(script: str) -> tuple[ShellCommand, ...]:
    commands: list[ShellCommand] = []
    current: list[str] = []
    for token in _tokens(script):
        if token and all(char in _PUNCTUATION for char in token):
            commands.append(_command(tuple(current)))
            current = []
        else:
            current.append(token)
    commands.append(_command(tuple(current)))
    return tuple(command for command in commands if command.words)


def _tokens(script: str) -> list[str]:
    script = script.replace("\\\n", "")
    lexer = shlex.shlex(script, posix=True, punctuation_chars=_PUNCTUATION)
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:
        # Unbalanced quotes: fall back to whitespace words, good enough for pattern checks.
        return script.split()


def _command(words: tuple[str, ...]) -> ShellCommand:
    start = 0
    assignments: list[str] = []
    while start < len(words):
        word = words[start]
        if _ASSIGNMENT.match(word):
            assignments.append(word)
        elif (
            word == "env"
            or word in PREFIX_WORDS
            or (word.startswith("-") and start > 0 and words[start - 1] in {"env", "sudo"})
        ):
            pass
        else:
            break
        start += 1
    return ShellCommand(words[start:], tuple(assignments))


def is_apt_update(command: ShellCommand) -> bool:
    return command.program in APT_PROGRAMS and command.subcommand == "update"


def is_apt_install(command: ShellCommand) -> bool:
    return command.program in APT_PROGRAMS and command.subcommand == "install"


def is_apk_add(command: ShellCommand) -> bool:
    return command.program == "apk" and command.subcommand == "add"


def is_pip_install(command: ShellCommand) -> bool:
    if PIP_PROGRAM.match(command.program):
        return command.subcommand == "install"
    if PYTHON_PROGRAM.match(command.program) and command.arguments[:2] == ("-m", "pip"):
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


def is_pip_cache_purge(command: ShellCommand) -> bool:
    words = command.arguments[2:] if PYTHON_PROGRAM.match(command.program) else command.arguments
    is_pip = PIP_PROGRAM.match(command.program) or command.arguments[:2] == ("-m", "pip")
    return bool(is_pip) and tuple(word for word in words if not word.startswith("-"))[:2] == (
        "cache",
        "purge",
    )


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


def virtual_package(command: ShellCommand) -> str | None:
    """`apk add --virtual .build-deps ...` names a group that `apk del .build-deps` removes."""
    return command.option_value("-t", "--virtual") if is_apk_add(command) else None


def removed_packages(command: ShellCommand) -> tuple[str, ...]:
    """Packages `apk del`, `apt-get purge/remove`, `yum/dnf remove` take out, else ()."""
    removing = {"del", "purge", "remove", "erase"}
    managed = command.program in APT_PROGRAMS | RPM_PROGRAMS | {"apk"}
    if not managed or command.subcommand not in removing:
        return ()
    return tuple(_VERSION_PIN.sub("", word) for word in command.positional_words()[1:])


def mount_targets(instruction: Instruction, *, kinds: frozenset[str]) -> tuple[str, ...]:
    """Targets of `RUN --mount=type=cache|tmpfs,...` mounts: what they keep out of the layer."""
    targets: list[str] = []
    for spec in instruction.flag_values("mount"):
        fields = dict(_mount_field(part) for part in spec.split(",") if part)
        kind = fields.get("type", "bind")
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if kind in kinds and target:
            targets.append(posixpath.normpath(target))
    return tuple(targets)


def _mount_field(part: str) -> tuple[str, str]:
    key, _, value = part.partition("=")
    return key.strip().lower(), value.strip().strip("\"'")


def path_covers(path: str, target: str) -> bool:
    """True when deleting (or mounting over) `path` takes `target` out of the layer."""
    cleaned = _home_relative(path).rstrip("/")
    for suffix in ("/*", "/.*", "/**"):
        cleaned = cleaned.removesuffix(suffix)
    cleaned = posixpath.normpath(cleaned) if cleaned else "/"
    wanted = posixpath.normpath(_home_relative(target))
    return wanted == cleaned or wanted.startswith(cleaned.rstrip("/") + "/")


def _home_relative(path: str) -> str:
    # Caches live in the home folder of whichever user runs the RUN: treat every home alike.
    for prefix in HOME_PREFIXES:
        if path.startswith(prefix):
            return "~/" + path[len(prefix) :]
    return _HOME_FOLDER.sub("~/", path, count=1)


def removes_path(commands: tuple[ShellCommand, ...], target: str) -> bool:
    """Some `rm` (or `find ... -delete`) among the commands deletes `target`."""
    for command in commands:
        if command.program == "rm" and any(
            path_covers(word, target) for word in command.positional_words()
        ):
            return True
        deletes_found = command.program == "find" and "-delete" in command.arguments
        if deletes_found and any(
            path_covers(word, target) for word in command.positional_words()[:1]
        ):
            return True
    return False
