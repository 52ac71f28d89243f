"""What a `.dockerignore` leaves out of the build context, decided as Docker decides it.

One home for the rules, used by the sandbox (which builds the context tar itself, because the
Engine API expects the client to apply `.dockerignore`) and by the Dockerfile rules (which judge
whether `COPY . .` sends a secret into the image). It follows the Docker CLI and BuildKit
(`moby/patternmatcher` and its `ignorefile` reader):

- a UTF-8 byte-order mark is dropped; a line whose first character is `#` is a comment (an
  indented `#` is not); each line is trimmed, a leading `!` re-includes, the pattern is cleaned
  like Go's `filepath.Clean` and a leading `/` is removed, so patterns are relative to the root;
- `*` and `?` never match `/`, `**` matches any number of folders (also none), `[...]` are
  character classes, `\\` escapes the next character;
- a path is excluded when the last pattern matching it, or one of its parent folders, excludes it;
- with BuildKit, `<Dockerfile name>.dockerignore` next to the Dockerfile replaces `.dockerignore`.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DOCKERIGNORE = ".dockerignore"
UTF8_BOM = "\ufeff"
# Characters that moby/patternmatcher escapes when it turns a pattern into a regular expression.
_REGEX_SPECIALS = frozenset(".+()|{}$")


class DockerignorePatternError(ValueError):
    """A pattern Docker refuses (for example an unclosed `[`)."""


@dataclass(frozen=True)
class IgnorePattern:
    """One `.dockerignore` line: the cleaned pattern and whether it re-includes (`!`)."""

    pattern: str
    regex: re.Pattern[str]
    exclusion: bool


def clean_pattern(pattern: str) -> str:
    """Go's filepath.Clean, then relative to the context root."""
    if not pattern:
        return pattern
    rooted = pattern.startswith("/")
    parts: list[str] = []
    for part in pattern.split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append(part)
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return cleaned or "/"
    return cleaned or "."


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """moby/patternmatcher's translation of one cleaned pattern into a regular expression."""
    out = ["^"]
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*":
            if index < len(pattern) and pattern[index] == "*":
                index += 1
                if index < len(pattern) and pattern[index] == "/":
                    index += 1
                out.append(".*" if index == len(pattern) else "(.*/)?")
            else:
                out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\":
            out.append(re.escape(pattern[index]) if index < len(pattern) else "\\\\")
            index += 1
        elif char in _REGEX_SPECIALS:
            out.append("\\" + char)
        else:
            out.append(char)
    try:
        return re.compile("".join(out) + "$")
    except re.error as error:
        raise DockerignorePatternError(f"bad .dockerignore pattern {pattern!r}: {error}") from error


def parse_dockerignore(text: str) -> list[IgnorePattern]:
    """The patterns of a `.dockerignore`, in order; raises DockerignorePatternError."""
    patterns: list[IgnorePattern] = []
    for raw in text.removeprefix(UTF8_BOM).split("\n"):
        if raw.startswith("#"):
            continue
        pattern = raw.strip()
        if not pattern:
            continue
        exclusion = pattern.startswith("!")
        if exclusion:
            pattern = pattern[1:].strip()
            if not pattern:
                raise DockerignorePatternError('illegal exclusion pattern: "!"')
        pattern = clean_pattern(pattern)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern[1:]
        patterns.append(IgnorePattern(pattern, pattern_regex(pattern), exclusion))
    return patterns


def is_ignored(path: str, patterns: Iterable[IgnorePattern]) -> bool:
    """True if the last pattern matching `path` (or one of its parent folders) excludes it."""
    parents = path.split("/")[:-1]
    candidates = [path] + ["/".join(parents[: end + 1]) for end in range(len(parents))]
    ignored = False
    for item in patterns:
        if any(item.regex.match(candidate) for candidate in candidates):
            ignored = not item.exclusion
    return ignored


class DockerignoreMatcher:
    """Answers "would Docker leave this path out of the build context?"."""

    def __init__(self, text: str) -> None:
        self.patterns = parse_dockerignore(text)

    def excludes(self, path: str) -> bool:
        return is_ignored(clean_pattern(path), self.patterns)


def ignore_file_name(files: Mapping[str, object], *, dockerfile: str) -> str | None:
    """Which ignore file applies: `<dockerfile>.dockerignore` if sent, else `.dockerignore`."""
    specific = f"{dockerfile}.dockerignore"
    if specific in files:
        return specific
    return DOCKERIGNORE if DOCKERIGNORE in files else None
