"""Expand `$NAME` and `${NAME...}` in Dockerfile words the way BuildKit's shell lexer does.

Docker expands build arguments and environment variables in FROM, COPY/ADD, USER, WORKDIR, ENV,
ARG and LABEL itself (not in RUN, where the shell does it). The lexer here removes quotes and
escapes as Docker does and supports the same modifiers: `${X:-word}`, `${X-word}`, `${X:+word}`,
`${X+word}`, `${X:?message}`, `${X?message}`, `${X#glob}`, `${X##glob}`, `${X%glob}` and
`${X%%glob}`. A name that has no value expands to the empty string, as in Docker, and is reported
in `Expansion.unset` so that rules can say "this depends on a --build-arg".

`scope_before` gives the values visible to an instruction: global ARGs redeclared in the stage,
the stage's own ARG defaults, and ENV values (which carry across `FROM <stage>`). Values a base
image sets (its own ENV) are unknown here.
"""

from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graders.dockerfile_model import Dockerfile, Instruction, Stage

DEFAULT_ESCAPE = "\\"
# BuildKit defines these in the global scope from the build and target platforms; the grader
# judges the common case of a linux/amd64 build.
PLATFORM_ARGS: dict[str, str] = {
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
}


@dataclass(frozen=True)
class Expansion:
    value: str
    unset: tuple[str, ...] = ()


def expand(text: str, variables: Mapping[str, str], *, escape: str = DEFAULT_ESCAPE) -> Expansion:
    """The word with quotes removed and variables expanded; names without a value are listed."""
    lexer = _Lexer(text, variables, escape)
    value = lexer.word(stop="")
    return Expansion(value, tuple(dict.fromkeys(lexer.unset)))


class UnbalancedQuoteError(ValueError):
    """A quote opened in the word is never closed: Docker refuses the instruction."""


def unquote(text: str, *, escape: str = DEFAULT_ESCAPE) -> str:
    """The word with quotes and escapes removed and `$` references left as written.

    Raises UnbalancedQuoteError for a quote that is never closed, as Docker does.
    """
    return _Lexer(text, None, escape, strict=True).word(stop="")


class _Lexer:
    def __init__(
        self,
        text: str,
        variables: Mapping[str, str] | None,
        escape: str,
        *,
        strict: bool = False,
    ) -> None:
        self.text = text
        self.variables = variables
        self.escape = escape
        self.strict = strict
        self.index = 0
        self.unset: list[str] = []

    def _peek(self) -> str:
        return self.text[self.index] if self.index < len(self.text) else ""

    def _next(self) -> str:
        char = self._peek()
        self.index += 1
        return char

    def word(self, *, stop: str) -> str:
        out: list[str] = []
        while self.index < len(self.text):
            char = self._peek()
            if stop and char == stop:
                return "".join(out)
            self.index += 1
            if char == self.escape:
                out.append(self._next())
            elif char == "'":
                out.append(self._single_quoted())
            elif char == '"':
                out.append(self._double_quoted())
            elif char == "$":
                out.append(self._dollar())
            else:
                out.append(char)
        return "".join(out)

    def _single_quoted(self) -> str:
        end = self.text.find("'", self.index)
        if end < 0:
            self._unbalanced("'")
            end = len(self.text)
        value = self.text[self.index : end]
        self.index = end + 1
        return value

    def _double_quoted(self) -> str:
        out: list[str] = []
        while True:
            if self.index >= len(self.text):
                self._unbalanced('"')
                break
            char = self._next()
            if char == '"':
                break
            if char == self.escape and self._peek() in {'"', "$", self.escape}:
                out.append(self._next())
            elif char == "$":
                out.append(self._dollar())
            else:
                out.append(char)
        return "".join(out)

    def _unbalanced(self, quote: str) -> None:
        if self.strict:
            raise UnbalancedQuoteError(f"the {quote} quote opened in {self.text!r} is never closed")

    def _dollar(self) -> str:
        if self.variables is None:
            return "$" + self._raw_reference()
        if self._peek() == "{":
            self.index += 1
            return self._braced()
        name = self._name()
        if not name:
            return "$"
        return self._value(name, default="")

    def _raw_reference(self) -> str:
        if self._peek() != "{":
            return self._name()
        end = self.text.find("}", self.index)
        end = len(self.text) - 1 if end < 0 else end
        raw = self.text[self.index : end + 1]
        self.index = end + 1
        return raw

    def _name(self) -> str:
        start = self.index
        while self._peek() and (self._peek().isalnum() or self._peek() == "_"):
            self.index += 1
        return self.text[start : self.index]

    def _value(self, name: str, *, default: str) -> str:
        assert self.variables is not None
        if name in self.variables:
            return self.variables[name]
        self.unset.append(name)
        return default

    def _braced(self) -> str:
        name = self._name()
        operator = self._next()
        if operator == "}":
            return self._value(name, default="")
        if (operator == ":" and self._peek() in {"-", "+", "?"}) or (
            operator in {"#", "%"} and self._peek() == operator
        ):
            operator += self._next()
        word = self.word(stop="}")
        self.index += 1  # the closing brace
        return self._apply(name, operator, word)

    def _apply(self, name: str, operator: str, word: str) -> str:
        assert self.variables is not None
        value = self.variables.get(name)
        present = value is not None
        filled = bool(value)
        if operator in {":-", "-"}:
            use_word = not filled if operator == ":-" else not present
            return word if use_word else (value or "")
        if operator in {":+", "+"}:
            use_word = filled if operator == ":+" else present
            return word if use_word else ""
        if operator in {":?", "?"}:
            if (operator == ":?" and not filled) or not present:
                self.unset.append(name)
            return value or ""
        if not present:
            self.unset.append(name)
            return ""
        assert value is not None
        return _trim(value, operator, word)


def _trim(value: str, operator: str, pattern: str) -> str:
    cuts = range(len(value) + 1)
    if operator in {"#", "##"}:
        ordered = cuts if operator == "#" else reversed(cuts)
        for cut in ordered:
            if fnmatchcase(value[:cut], pattern):
                return value[cut:]
        return value
    ordered = reversed(cuts) if operator == "%" else cuts
    for cut in ordered:
        if fnmatchcase(value[cut:], pattern):
            return value[:cut]
    return value


def global_scope(global_args: "tuple[Instruction, ...]", *, escape: str) -> dict[str, str]:
    """Values of the ARGs declared before the first FROM (defaults; no --build-arg given)."""
    values = dict(PLATFORM_ARGS)
    for instruction in global_args:
        for name, raw in instruction.raw_key_values:
            if raw is not None:
                values[name] = expand(raw, values, escape=escape).value
    return values


def scope_before(dockerfile: "Dockerfile", instruction: "Instruction") -> Mapping[str, str]:
    """Values visible to `instruction` (global ARGs for a global one): ARGs declared in its
    stage (a global ARG redeclared without a value takes the global value), then ENV values
    (which carry across `FROM <stage>` and win over an ARG of the same name)."""
    stage = dockerfile.stage_for(instruction)
    if stage is None:
        return dockerfile.global_values
    return _StageScopes.of(dockerfile, stage).before(instruction)


class _StageScopes:
    """Every declaration of a stage's lineage, indexed once, so that the scope at any
    instruction is a cheap view (a Dockerfile may hold thousands of instructions)."""

    def __init__(self, dockerfile: "Dockerfile", stage: "Stage") -> None:
        self.position: dict[int, int] = {}
        self.segment_at: list[int] = []
        self.env: dict[str, list[tuple[int, str]]] = {}
        self.args: dict[str, list[tuple[int, int, str]]] = {}
        self.end = 0
        for segment, ancestor in enumerate(reversed(dockerfile.lineage(stage))):
            for instruction in ancestor.instructions:
                position = len(self.segment_at)
                self.position[id(instruction)] = position
                self.segment_at.append(segment)
                self._declare(instruction, position, segment, dockerfile)
        self.end = len(self.segment_at)

    @classmethod
    def of(cls, dockerfile: "Dockerfile", stage: "Stage") -> "_StageScopes":
        key = f"scopes:{stage.index}"
        if key not in dockerfile.derived:
            dockerfile.derived[key] = cls(dockerfile, stage)
        scopes: _StageScopes = dockerfile.derived[key]
        return scopes

    def before(self, instruction: "Instruction | None") -> Mapping[str, str]:
        position = self.end if instruction is None else self.position.get(id(instruction))
        return _ScopeView(self, self.end if position is None else position)

    def lookup(self, name: str, position: int) -> str | None:
        """The value `name` has just before `position` (ENV first, then the stage's ARG)."""
        env = self.env.get(name, [])
        index = bisect_left(env, position, key=lambda entry: entry[0])
        if index:
            return env[index - 1][1]
        if not self.segment_at:
            return None
        segment = self.segment_at[min(position, len(self.segment_at) - 1)]
        args = self.args.get(name, [])
        index = bisect_left(args, position, key=lambda entry: entry[0])
        if index and args[index - 1][1] == segment:
            return args[index - 1][2]
        return None

    def _declare(
        self, instruction: "Instruction", position: int, segment: int, dockerfile: "Dockerfile"
    ) -> None:
        if instruction.keyword not in {"ARG", "ENV"}:
            return
        for name, raw in instruction.raw_key_values:
            visible = _ScopeView(self, position)
            if instruction.keyword == "ENV":
                value = expand(raw or "", visible, escape=dockerfile.escape).value
                self.env.setdefault(name, []).append((position, value))
                continue
            if raw is not None:
                value = expand(raw, visible, escape=dockerfile.escape).value
            elif name in dockerfile.global_values:
                value = dockerfile.global_values[name]
            else:
                continue
            self.args.setdefault(name, []).append((position, segment, value))


class _ScopeView(Mapping[str, str]):
    def __init__(self, scopes: _StageScopes, position: int) -> None:
        self.scopes = scopes
        self.position = position

    def __getitem__(self, name: str) -> str:
        value = self.scopes.lookup(name, self.position)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        names = set(self.scopes.env) | set(self.scopes.args)
        return iter(sorted(name for name in names if name in self))

    def __len__(self) -> int:
        return sum(1 for _ in self)
