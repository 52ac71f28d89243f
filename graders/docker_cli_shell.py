"""Read one shell command line the way a POSIX shell would split it for Docker.

Quotes and backslash-newline continuations work as in the shell. What the shell does before
Docker runs is kept symbolic rather than refused: `$(pwd)`, `` `pwd` `` and `${PWD}` are the
working directory (`$PWD`), a command substitution such as `$(docker ps -aq)` is one word whose
meaning the caller may compute, and `> FILE` / `< FILE` redirect the command's output or input
(`docker save nginx > nginx.tar` is `docker save -o nginx.tar nginx`). Pipes, `&&`, `;` and
background jobs are more than one command and are refused.
"""

import re
import shlex
from dataclasses import dataclass, field

from graders.docker_cli_model import DockerCommandError

SHELL_PROMPTS = frozenset({"$", "#", ">"})
PRIVILEGE_PREFIX = "sudo"
SHELL_OPERATORS = frozenset({"|", "||", "&", "&&", ";", ";;", "<<", "(", ")", ">&", "<&", "&>"})
OUTPUT_REDIRECTIONS = frozenset({">", ">>"})
INPUT_REDIRECTION = "<"
WORKING_DIRECTORY = "$PWD"
_SHELL_DIRECTORIES = (
    (re.compile(r"\$\(\s*pwd\s*\)|`\s*pwd\s*`|\$\{PWD\}"), WORKING_DIRECTORY),
    (re.compile(r"\$\{HOME\}"), "$HOME"),
)
# Redirections of a numbered stream (`2>&1`, `2>/dev/null`), read before the lexer splits them.
_STREAM_REDIRECTION = re.compile(r"(?:(?<=\s)|^)([12])>(&[12]|\s*[^\s&|;<>]+)(?=\s|$)")
# A placeholder the lexer keeps inside a word: no whitespace, quote or punctuation in it.
_PLACEHOLDER = "\x01{}\x01"
_PLACEHOLDER_PATTERN = re.compile("\x01(\\d+)\x01")


@dataclass(frozen=True)
class ShellLine:
    """The words of the command, its redirections (`(">", "out.tar")`), and for each word that
    is a whole command substitution, the command inside it."""

    words: list[str]
    redirections: tuple[tuple[str, str], ...] = ()
    substitutions: dict[str, str] = field(default_factory=dict)


def read_shell_line(text: str) -> ShellLine:
    # A backslash-newline continues the command, as in the course's multi-line `docker run \`.
    joined = text.replace("\\\r\n", " ").replace("\\\n", " ").strip()
    if not joined:
        raise DockerCommandError("The command is empty: type a docker command such as `docker ps`.")
    for pattern, replacement in _SHELL_DIRECTORIES:
        joined = pattern.sub(replacement, joined)
    joined, inner_commands = _hide_substitutions(joined)
    numbered = tuple(
        (">" if match.group(1) == "1" else "2>", match.group(2).strip())
        for match in _STREAM_REDIRECTION.finditer(joined)
    )
    words = _lex(_STREAM_REDIRECTION.sub(" ", joined))
    if words and words[0] in SHELL_PROMPTS:
        words = words[1:]
    if words and words[0] == PRIVILEGE_PREFIX:
        words = words[1:]
    words, redirections = _redirections(words)
    restored = [_restore(word, inner_commands) for word in words]
    substitutions = {
        restored[index]: inner_commands[int(match.group(1))]
        for index, word in enumerate(words)
        if (match := _PLACEHOLDER_PATTERN.fullmatch(word))
    }
    targets = tuple(
        (operator, _restore(target, inner_commands))
        for operator, target in (*redirections, *numbered)
    )
    return ShellLine(restored, targets, substitutions)


def _lex(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
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
    return words


def _hide_substitutions(text: str) -> tuple[str, list[str]]:
    """Replace each `$(…)` and `` `…` `` by a placeholder, so the lexer keeps it in one word."""
    inner: list[str] = []
    result: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("$(", index):
            end = _closing_parenthesis(text, index + 2)
            body = text[index + 2 : end]
            index = end + 1
        elif text[index] == "`":
            end = text.find("`", index + 1)
            if end < 0:
                raise DockerCommandError("The command cannot be read: a backquote is not closed.")
            body = text[index + 1 : end]
            index = end + 1
        else:
            result.append(text[index])
            index += 1
            continue
        result.append(_PLACEHOLDER.format(len(inner)))
        inner.append(body.strip())
    return "".join(result), inner


def _closing_parenthesis(text: str, start: int) -> int:
    depth = 1
    for position in range(start, len(text)):
        if text[position] == "(":
            depth += 1
        elif text[position] == ")":
            depth -= 1
            if depth == 0:
                return position
    raise DockerCommandError("The command cannot be read: a `$(` is not closed.")


def _redirections(words: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    kept: list[str] = []
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in OUTPUT_REDIRECTIONS or word == INPUT_REDIRECTION:
            if index + 1 >= len(words):
                raise DockerCommandError(f"The redirection `{word}` needs a file name.")
            found.append((word, words[index + 1]))
            index += 2
            continue
        kept.append(word)
        index += 1
    return kept, found


def _restore(word: str, inner_commands: list[str]) -> str:
    return _PLACEHOLDER_PATTERN.sub(lambda match: f"$({inner_commands[int(match.group(1))]})", word)
