"""Read Dockerfile text into raw instructions exactly as BuildKit's front end does.

This follows `moby/buildkit/frontend/dockerfile/parser` line for line in behaviour: parser
directives (`# syntax=`, `# escape=`, `# check=`) only on the leading lines, the escape token
as line continuation (also when followed by spaces or tabs, but not when it is itself escaped),
comment and blank lines skipped inside a continued instruction, whitespace kept at the start of
continuation lines, and heredocs (`RUN <<EOT`, `COPY <<-EOF /file`, several per instruction)
read verbatim from the lines that follow the instruction. Every raw instruction keeps the first
and last source line it covers, heredoc bodies included.
"""

import json
import re
from dataclasses import dataclass

DEFAULT_ESCAPE = "\\"
ESCAPE_CHARACTERS = frozenset({"\\", "`"})
PARSER_DIRECTIVES = frozenset({"syntax", "escape", "check"})
# Instructions whose shell-form text may open heredocs, and those that wrap such an instruction.
HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})
HEREDOC_WRAPPERS = frozenset({"ONBUILD"})
UTF8_BOM = "\ufeff"

# Go's `\s` (no vertical tab), as BuildKit's directive regular expression uses it.
_DIRECTIVE = re.compile(
    r"^#[ \t\n\f\r]*([a-zA-Z][a-zA-Z0-9]*)[ \t\n\f\r]*=[ \t\n\f\r]*(.+?)[ \t\n\f\r]*$"
)
_COMMAND_SPLIT = re.compile(r"[\t\v\f\r ]+")
_HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)([^<]*)$")
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


class DockerfileSyntaxError(ValueError):
    """The Dockerfile cannot be parsed; `line` is 1-based and `message` is learner-facing."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Heredoc:
    """A heredoc body as the build sees it (`<<-` strips leading tabs), with its source lines."""

    name: str
    content: str
    expand: bool
    chomp: bool
    file_descriptor: int
    line: int
    end_line: int


@dataclass(frozen=True)
class RawInstruction:
    """One logical instruction line (continuations joined) and the heredocs it opened."""

    text: str
    line: int
    end_line: int
    heredocs: tuple[Heredoc, ...] = ()


@dataclass(frozen=True)
class ScannedDockerfile:
    instructions: tuple[RawInstruction, ...]
    escape: str
    directives: tuple[tuple[str, str], ...]


class _Directives:
    """BuildKit's directive state: looked for on each line until the first non-directive."""

    def __init__(self) -> None:
        self.escape = DEFAULT_ESCAPE
        self.found: dict[str, str] = {}
        self.done = False
        self.continuation = _continuation_regex(DEFAULT_ESCAPE)

    def inspect(self, line: str, number: int) -> None:
        if self.done:
            return
        match = _DIRECTIVE.match(line)
        if match is None or match.group(1).lower() not in PARSER_DIRECTIVES:
            self.done = True
            return
        name, value = match.group(1).lower(), match.group(2)
        if name in self.found:
            raise DockerfileSyntaxError(f"only one {name} parser directive can be used", number)
        if name == "escape":
            if value not in ESCAPE_CHARACTERS:
                raise DockerfileSyntaxError(
                    f"invalid escape token {value!r}: use a backslash or a backtick", number
                )
            self.escape = value
            self.continuation = _continuation_regex(value)
        self.found[name] = value


def _continuation_regex(escape: str) -> re.Pattern[str]:
    token = re.escape(escape)
    # The escape token ends the line (spaces and tabs may follow) unless it is itself escaped.
    return re.compile(rf"([^{token}]){token}[ \t]*$|^{token}[ \t]*$")


def _trim_newline(raw: str) -> str:
    return raw.rstrip("\r\n")


def _is_comment(raw: str) -> bool:
    return _trim_newline(raw).lstrip().startswith("#")


def _trim_continuation(line: str, directives: _Directives) -> tuple[str, bool]:
    """(line without its continuation token, whether the instruction ends on this line)."""
    if directives.continuation.search(line):
        return directives.continuation.sub(r"\1", line, count=1), False
    return line, True


def scan_dockerfile(text: str) -> ScannedDockerfile:
    """Split the text into raw instructions; raises DockerfileSyntaxError like BuildKit."""
    lines = _source_lines(text)
    directives = _Directives()
    instructions: list[RawInstruction] = []
    index = 0
    while index < len(lines):
        number = index + 1
        processed = _trim_newline(lines[index]).lstrip()
        directives.inspect(processed, number)
        index += 1
        if processed.startswith("#"):
            processed = ""
        line, ended = _trim_continuation(processed, directives)
        if ended and not line:
            continue
        parts = [line]
        while not ended and index < len(lines):
            raw = lines[index]
            directives.inspect(_trim_newline(raw), index + 1)
            index += 1
            if _is_comment(raw) or not _trim_newline(raw).strip():
                continue  # comments and (warned-about) empty continuation lines are skipped
            part, ended = _trim_continuation(_trim_newline(raw), directives)
            parts.append(part)
        logical = "".join(parts)
        heredocs: list[Heredoc] = []
        if "<<" in logical and _may_open_heredocs(logical, number):
            for opened in heredoc_words(logical):
                heredoc, index = _read_heredoc(opened, lines, index, start=number)
                heredocs.append(heredoc)
        instructions.append(RawInstruction(logical, number, index, tuple(heredocs)))
    if not instructions:
        raise DockerfileSyntaxError(
            "the Dockerfile is empty: it has no FROM instruction", max(len(lines), 1)
        )
    return ScannedDockerfile(
        tuple(instructions), directives.escape, tuple(directives.found.items())
    )


def _source_lines(text: str) -> list[str]:
    # Go's scanner splits on "\n" only (not on the other characters str.splitlines knows).
    text = text.removeprefix(UTF8_BOM)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]


def _may_open_heredocs(logical: str, line: int) -> bool:
    keyword, _flags, rest = split_command(logical)
    if keyword in HEREDOC_WRAPPERS:
        keyword, _flags, rest = split_command(rest)
    if keyword not in HEREDOC_KEYWORDS:
        return False
    try:
        return parse_json_array(rest) is None
    except JsonArrayError as error:
        raise DockerfileSyntaxError(str(error), line) from error


@dataclass(frozen=True)
class OpenedHeredoc:
    """A heredoc word such as `<<-"EOF"`: its delimiter and how its body is read."""

    name: str
    expand: bool
    chomp: bool
    file_descriptor: int


def _read_heredoc(
    opened: OpenedHeredoc, lines: list[str], index: int, *, start: int
) -> tuple[Heredoc, int]:
    first = index + 1
    body: list[str] = []
    while index < len(lines):
        raw = lines[index]
        index += 1
        candidate = _trim_newline(raw)
        if opened.chomp:
            candidate = candidate.lstrip("\t")
        if candidate == opened.name:
            content = "".join(body)
            if opened.chomp:
                content = _LEADING_TABS.sub("", content)
            heredoc = Heredoc(
                name=opened.name,
                content=content,
                expand=opened.expand,
                chomp=opened.chomp,
                file_descriptor=opened.file_descriptor,
                line=first,
                end_line=index,
            )
            return heredoc, index
        body.append(raw)
    raise DockerfileSyntaxError(
        f"unterminated heredoc: no line `{opened.name}` closes the heredoc opened here", start
    )


def heredoc_words(line: str) -> list[OpenedHeredoc]:
    """Heredocs opened on a logical line: words such as `<<EOT`, `<<-"EOF"` or `3<<X`."""
    found = []
    for word in _shell_words(line, keep_quotes=True):
        opened = heredoc_from_word(word)
        if opened is not None:
            found.append(opened)
    return found


def heredoc_from_word(word: str) -> OpenedHeredoc | None:
    match = _HEREDOC_WORD.match(word)
    if match is None or not match.group(3):
        return None
    names = _shell_words(match.group(3), keep_quotes=False)
    if len(names) != 1:
        return None
    raw_names = _shell_words(match.group(3), keep_quotes=True)
    quoted = _quote_count(raw_names[0]) != _quote_count(names[0])
    return OpenedHeredoc(
        name=names[0],
        expand=not quoted,
        chomp=match.group(2) == "-",
        file_descriptor=int(match.group(1) or 0),
    )


def _quote_count(word: str) -> int:
    return word.count("'") + word.count('"')


def _shell_words(text: str, *, keep_quotes: bool) -> list[str]:
    """Whitespace-separated words, quotes respected; with keep_quotes they stay in the word."""
    words: list[str] = []
    current: list[str] = []
    in_word = False
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            index += 1
            continue
        in_word = True
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2] if keep_quotes else text[index + 1])
            index += 2
            continue
        if char in {"'", '"'}:
            end = _closing_quote(text, index)
            inner = text[index + 1 : end]
            current.append(text[index : end + 1] if keep_quotes else inner)
            index = end + 1
            continue
        current.append(char)
        index += 1
    if in_word:
        words.append("".join(current))
    return words


def _closing_quote(text: str, start: int) -> int:
    quote = text[start]
    index = start + 1
    while index < len(text):
        if text[index] == "\\" and quote == '"':
            index += 2
            continue
        if text[index] == quote:
            return index
        index += 1
    return len(text)


def split_command(line: str) -> tuple[str, tuple[str, ...], str]:
    """(upper-case keyword, leading `--flag[=value]` words, the rest) as BuildKit splits them."""
    parts = _COMMAND_SPLIT.split(line.strip(), maxsplit=1)
    keyword = parts[0].upper()
    if len(parts) < 2:
        return keyword, (), ""
    rest, flags = _extract_flags(parts[1])
    return keyword, flags, rest.strip()


def _extract_flags(line: str) -> tuple[str, tuple[str, ...]]:
    # Flags are the leading words that start with `--`; quotes group, a backslash escapes, and
    # a bare `--` ends them. The backslash is fixed here, whatever the escape directive says.
    flags: list[str] = []
    index = 0
    while True:
        while index < len(line) and line[index].isspace():
            index += 1
        if index >= len(line) or not line.startswith("--", index):
            return line[index:], tuple(flags)
        word: list[str] = []
        quote = ""
        while index < len(line):
            char = line[index]
            if not quote and char.isspace():
                break
            if char == "\\":
                index += 1
                if index < len(line):
                    word.append(line[index])
                index += 1
                continue
            if not quote and char in {"'", '"'}:
                quote = char
            elif quote and char == quote:
                quote = ""
            else:
                word.append(char)
            index += 1
        text = "".join(word)
        if text == "--":
            return line[index:], tuple(flags)
        flags.append(text)


def parse_words(rest: str, escape: str) -> list[str]:
    """Words of ENV/LABEL/ARG as BuildKit's parseWords reads them: quotes and escapes kept."""
    words: list[str] = []
    word: list[str] = []
    quote = ""
    blank_ok = False
    index = 0
    while index < len(rest):
        char = rest[index]
        if not quote and char.isspace():
            if blank_ok or word:
                words.append("".join(word))
            word, blank_ok = [], False
            index += 1
            continue
        if char == escape and (not quote or quote == '"'):
            if index + 1 == len(rest):
                index += 1
                continue
            word.append(char + rest[index + 1])
            index += 2
            continue
        if not quote and char in {"'", '"'}:
            quote, blank_ok = char, True
        elif quote and char == quote:
            quote = ""
        word.append(char)
        index += 1
    if blank_ok or word:
        words.append("".join(word))
    return words


def split_whitespace(rest: str) -> tuple[str, ...]:
    """BuildKit's whitespace split for FROM, EXPOSE and shell-form COPY/ADD/VOLUME."""
    return tuple(word for word in _COMMAND_SPLIT.split(rest.strip()) if word) if rest else ()


class JsonArrayError(ValueError):
    """A JSON array holding something other than strings: Docker refuses it."""


def parse_json_array(rest: str) -> tuple[str, ...] | None:
    """The exec form's items, or None for shell form (text that is not a JSON array).

    Like Go's json.Decoder, the first JSON value is read and anything after it is ignored.
    """
    rest = rest.lstrip()
    if not rest.startswith("["):
        return None
    try:
        decoded, _end = json.JSONDecoder(parse_constant=_reject_constant).raw_decode(rest)
    except ValueError:
        return None
    except RecursionError as error:
        # Only arrays nested thousands deep get here: an array of arrays, which Docker refuses.
        raise JsonArrayError(
            "when using JSON array syntax, arrays must be comprised of strings only"
        ) from error
    if not isinstance(decoded, list):
        return None
    if not all(isinstance(item, str) for item in decoded):
        raise JsonArrayError(
            "when using JSON array syntax, arrays must be comprised of strings only"
        )
    return tuple(decoded)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
