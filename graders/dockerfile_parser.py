"""Parse a learner's Dockerfile into frozen dataclasses that the rules can inspect.

The grammar follows Docker's BuildKit front end closely enough to grade course work: parser
directives (`# escape=`), line continuations, comments, case-insensitive keywords, exec (JSON) and
shell forms, instruction flags such as `--from=builder`, global `ARG`s before the first `FROM` and
named stages. Heredocs are refused with a clear error rather than half-parsed. Anything Docker
itself would refuse to build raises `DockerfileSyntaxError` with the line it happened on.
"""

import json
import re
import shlex
from dataclasses import dataclass

INSTRUCTION_KEYWORDS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)

# Flags each instruction accepts, and whether the flag needs a value (`--from=builder`) or is a
# switch (`--link`). Docker refuses unknown flags, so the parser does too.
INSTRUCTION_FLAGS: dict[str, dict[str, bool]] = {
    "FROM": {"platform": True},
    "COPY": {
        "from": True,
        "chown": True,
        "chmod": True,
        "link": False,
        "parents": False,
        "exclude": True,
    },
    "ADD": {
        "chown": True,
        "chmod": True,
        "link": False,
        "keep-git-dir": False,
        "checksum": True,
        "exclude": True,
        "unpack": False,
    },
    "RUN": {"mount": True, "network": True, "security": True},
    "HEALTHCHECK": {
        "interval": True,
        "timeout": True,
        "start-period": True,
        "start-interval": True,
        "retries": True,
    },
}

# Instructions whose argument may be a JSON array (exec form) instead of a shell string.
EXEC_FORM_KEYWORDS = frozenset({"ADD", "COPY", "CMD", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"})
KEY_VALUE_KEYWORDS = frozenset({"ARG", "ENV", "LABEL"})
# Instructions whose text would be read as a heredoc body by BuildKit's Dockerfile 1.4 syntax.
HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})

DEFAULT_ESCAPE = "\\"
ESCAPE_CHARACTERS = frozenset({"\\", "`"})
PARSER_DIRECTIVES = frozenset({"syntax", "escape", "check"})
SCRATCH_IMAGE = "scratch"

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_INSTRUCTION = re.compile(r"^(\S+)\s*(.*)$", re.DOTALL)
_HEREDOC = re.compile(r"<<-?\s*([\"']?)[A-Za-z_][A-Za-z0-9_]*\1")
_STAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<op>[-+])(?P<word>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
_BOOLEAN_FLAG_VALUES = frozenset({"true", "false"})


class DockerfileSyntaxError(ValueError):
    """The Dockerfile cannot be parsed; `line` is 1-based and `message` is learner-facing."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass(frozen=True)
class InstructionFlag:
    name: str
    value: str | None


@dataclass(frozen=True)
class Instruction:
    """One logical instruction; `line`/`end_line` span its continuation lines."""

    keyword: str
    arguments: str
    line: int
    end_line: int
    flags: tuple[InstructionFlag, ...] = ()
    exec_form: tuple[str, ...] | None = None
    key_values: tuple[tuple[str, str | None], ...] = ()

    @property
    def is_exec_form(self) -> bool:
        return self.exec_form is not None

    @property
    def words(self) -> tuple[str, ...]:
        """Arguments split the way Docker splits COPY/ADD/FROM: JSON items or whitespace."""
        if self.exec_form is not None:
            return self.exec_form
        return tuple(self.arguments.split())

    def has_flag(self, name: str) -> bool:
        return any(flag.name == name for flag in self.flags)

    def flag(self, name: str) -> str | None:
        """Value of the last `--name=value` flag (Docker keeps the last), or None."""
        values = [flag.value for flag in self.flags if flag.name == name]
        return values[-1] if values else None


@dataclass(frozen=True)
class ImageReference:
    """A `FROM` image as written and as resolved against the global ARG defaults."""

    written: str
    name: str
    tag: str | None
    digest: str | None

    @property
    def is_scratch(self) -> bool:
        return self.name == SCRATCH_IMAGE and self.tag is None and self.digest is None

    @property
    def is_unresolved(self) -> bool:
        """True when a build argument without a default decides part of the reference."""
        return "$" in f"{self.name}:{self.tag}@{self.digest}"


@dataclass(frozen=True)
class Stage:
    index: int
    image: ImageReference
    name: str | None
    platform: str | None
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]
    parent_index: int | None

    @property
    def line(self) -> int:
        return self.from_instruction.line

    @property
    def builds_on_stage(self) -> bool:
        """True for `FROM builder AS test`, where the base is an earlier stage."""
        return self.parent_index is not None

    def instructions_named(self, keyword: str) -> tuple[Instruction, ...]:
        wanted = keyword.upper()
        return tuple(item for item in self.instructions if item.keyword == wanted)


@dataclass(frozen=True)
class Dockerfile:
    stages: tuple[Stage, ...]
    global_args: tuple[Instruction, ...]
    escape: str = DEFAULT_ESCAPE
    directives: tuple[tuple[str, str], ...] = ()

    @property
    def final_stage(self) -> Stage:
        return self.stages[-1]

    def lineage(self, stage: Stage) -> tuple[Stage, ...]:
        """The stage followed by the stages it builds on, nearest first."""
        chain = [stage]
        while chain[-1].parent_index is not None:
            chain.append(self.stages[chain[-1].parent_index])
        return tuple(chain)

    def inherited_instructions(self, stage: Stage) -> tuple[Instruction, ...]:
        """Instructions that shape the stage's image, oldest first, across `FROM <stage>`."""
        ordered: list[Instruction] = []
        for ancestor in reversed(self.lineage(stage)):
            ordered.extend(ancestor.instructions)
        return tuple(ordered)


@dataclass(frozen=True)
class _LogicalLine:
    text: str
    line: int
    end_line: int


def parse_dockerfile(text: str) -> Dockerfile:
    """Parse Dockerfile text; raises DockerfileSyntaxError for anything Docker would refuse."""
    lines = text.removeprefix("\ufeff").splitlines()
    directives, first_content = _read_directives(lines)
    escape = dict(directives).get("escape", DEFAULT_ESCAPE)
    instructions = [
        _parse_instruction(logical) for logical in _logical_lines(lines, first_content, escape)
    ]
    global_args, stages = _group_stages(instructions, last_line=max(len(lines), 1))
    return Dockerfile(stages=stages, global_args=global_args, escape=escape, directives=directives)


def _read_directives(lines: list[str]) -> tuple[tuple[tuple[str, str], ...], int]:
    # Directives are only honoured at the very top: the first other line ends the search.
    found: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _DIRECTIVE.match(line.strip())
        if match is None or match.group(1).lower() not in PARSER_DIRECTIVES:
            return tuple(found.items()), index
        name, value = match.group(1).lower(), match.group(2)
        if name in found:
            raise DockerfileSyntaxError(f"the parser directive '{name}' is set twice", index + 1)
        if name == "escape" and value not in ESCAPE_CHARACTERS:
            raise DockerfileSyntaxError(
                f"invalid escape character {value!r}: use a backslash or a backtick", index + 1
            )
        found[name] = value
    return tuple(found.items()), len(lines)


def _logical_lines(lines: list[str], start: int, escape: str) -> list[_LogicalLine]:
    logical: list[_LogicalLine] = []
    parts: list[str] = []
    first_line = 0
    for number, raw in enumerate(lines[start:], start=start + 1):
        stripped = raw.strip()
        # Comments and blank lines are dropped, even in the middle of a continued instruction.
        if not stripped or stripped.startswith("#"):
            continue
        if not parts:
            first_line = number
        body = raw.rstrip()
        continued = body.endswith(escape)
        parts.append(body[: -len(escape)] if continued else body)
        if not continued:
            logical.append(_LogicalLine("".join(parts), first_line, number))
            parts = []
    if parts:
        # A trailing continuation at the end of the file is accepted by Docker as well.
        logical.append(_LogicalLine("".join(parts), first_line, len(lines)))
    return logical


def _parse_instruction(logical: _LogicalLine) -> Instruction:
    match = _INSTRUCTION.match(logical.text.strip())
    if match is None:  # unreachable for non-blank lines, kept for the type checker
        raise DockerfileSyntaxError("empty instruction", logical.line)
    written_keyword, arguments = match.group(1), match.group(2).strip()
    keyword = written_keyword.upper()
    if keyword not in INSTRUCTION_KEYWORDS:
        raise DockerfileSyntaxError(
            f"unknown instruction '{written_keyword}'. Every line must start with an instruction "
            "such as FROM, RUN or COPY; if it continues the line above, end that line with '\\'",
            logical.line,
        )
    flags, arguments = _split_flags(keyword, arguments, logical.line)
    if not arguments:
        raise DockerfileSyntaxError(f"{keyword} needs at least one argument", logical.line)
    exec_form = _exec_form(keyword, arguments)
    if keyword in HEREDOC_KEYWORDS and exec_form is None and _HEREDOC.search(arguments):
        raise DockerfileSyntaxError(
            f"heredocs ({keyword} <<EOF ... EOF) are not supported by the grader: "
            "write the commands on one line chained with && and continued with '\\'",
            logical.line,
        )
    _check_shape(keyword, arguments, exec_form, logical.line)
    key_values = _key_values(keyword, arguments, logical.line)
    return Instruction(
        keyword=keyword,
        arguments=arguments,
        line=logical.line,
        end_line=logical.end_line,
        flags=flags,
        exec_form=exec_form,
        key_values=key_values,
    )


def _split_flags(
    keyword: str, arguments: str, line: int
) -> tuple[tuple[InstructionFlag, ...], str]:
    allowed = INSTRUCTION_FLAGS.get(keyword)
    if allowed is None:
        return (), arguments
    flags: list[InstructionFlag] = []
    rest = arguments
    while rest.startswith("--"):
        token, rest = _split_first_word(rest)
        name, has_value, value = token[2:].partition("=")
        if name not in allowed:
            known = ", ".join(f"--{flag}" for flag in sorted(allowed))
            raise DockerfileSyntaxError(
                f"unknown flag '--{name}' for {keyword} (it accepts {known})", line
            )
        if allowed[name] and not value:
            raise DockerfileSyntaxError(f"the flag --{name} of {keyword} needs a value", line)
        if not allowed[name] and has_value and value.lower() not in _BOOLEAN_FLAG_VALUES:
            raise DockerfileSyntaxError(f"the flag --{name} of {keyword} takes no value", line)
        flags.append(InstructionFlag(name, value if has_value else None))
    return tuple(flags), rest


def _check_shape(
    keyword: str, arguments: str, exec_form: tuple[str, ...] | None, line: int
) -> None:
    if keyword in {"COPY", "ADD"}:
        words = exec_form if exec_form is not None else arguments.split()
        if len(words) < 2:
            raise DockerfileSyntaxError(
                f"{keyword} needs at least one source and a destination, like {keyword} . /app",
                line,
            )
    if keyword == "HEALTHCHECK":
        kind = arguments.split()[0].upper()
        if kind not in {"CMD", "NONE"}:
            raise DockerfileSyntaxError(
                "HEALTHCHECK expects 'CMD <command>' or 'NONE' after its options", line
            )


def _split_first_word(text: str) -> tuple[str, str]:
    first, *rest = text.split(maxsplit=1)
    return first, rest[0].strip() if rest else ""


def _exec_form(keyword: str, arguments: str) -> tuple[str, ...] | None:
    # Like Docker, text that is not a valid JSON array of strings silently means shell form.
    if keyword not in EXEC_FORM_KEYWORDS or not arguments.startswith("["):
        return None
    try:
        decoded = json.loads(arguments)
    except json.JSONDecodeError:
        return None
    if isinstance(decoded, list) and all(isinstance(item, str) for item in decoded):
        return tuple(decoded)
    return None


def _key_values(keyword: str, arguments: str, line: int) -> tuple[tuple[str, str | None], ...]:
    if keyword not in KEY_VALUE_KEYWORDS:
        return ()
    try:
        words = shlex.split(arguments)
    except ValueError as error:
        raise DockerfileSyntaxError(f"{keyword} has unbalanced quotes ({error})", line) from error
    if keyword == "ENV" and "=" not in words[0]:
        # Legacy `ENV KEY some value`: everything after the key is the value.
        key, value = _split_first_word(arguments)
        return ((key, value),)
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        key, has_value, value = word.partition("=")
        if not key or (keyword != "ARG" and not has_value):
            raise DockerfileSyntaxError(f"{keyword} expects KEY=value, found {word!r}", line)
        pairs.append((key, value if has_value else None))
    return tuple(pairs)


def _group_stages(
    instructions: list[Instruction], last_line: int
) -> tuple[tuple[Instruction, ...], tuple[Stage, ...]]:
    global_args: list[Instruction] = []
    stages: list[Stage] = []
    current: Instruction | None = None
    body: list[Instruction] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            if current is not None:
                stages.append(_build_stage(current, body, stages, global_args))
            current, body = instruction, []
        elif current is None:
            if instruction.keyword != "ARG":
                raise DockerfileSyntaxError(
                    f"{instruction.keyword} comes before the first FROM; only ARG may",
                    instruction.line,
                )
            global_args.append(instruction)
        else:
            body.append(instruction)
    if current is None:
        raise DockerfileSyntaxError("the Dockerfile has no FROM instruction", last_line)
    stages.append(_build_stage(current, body, stages, global_args))
    return tuple(global_args), tuple(stages)


def _build_stage(
    from_instruction: Instruction,
    body: list[Instruction],
    earlier: list[Stage],
    global_args: list[Instruction],
) -> Stage:
    words = from_instruction.words
    line = from_instruction.line
    if len(words) == 3 and words[1].upper() == "AS":
        name: str | None = words[2]
    elif len(words) == 1:
        name = None
    else:
        raise DockerfileSyntaxError(
            "FROM expects 'image[:tag][@digest] [AS name]', found " + repr(" ".join(words)),
            line,
        )
    if name is not None:
        _check_stage_name(name, earlier, line)
    image = _image_reference(words[0], global_args, line)
    return Stage(
        index=len(earlier),
        image=image,
        name=name,
        platform=from_instruction.flag("platform"),
        from_instruction=from_instruction,
        instructions=tuple(body),
        parent_index=_parent_index(image, earlier),
    )


def _check_stage_name(name: str, earlier: list[Stage], line: int) -> None:
    if not _STAGE_NAME.match(name):
        raise DockerfileSyntaxError(
            f"invalid stage name {name!r}: use a letter, then letters, digits, '-', '_' or '.'",
            line,
        )
    if any(stage.name and stage.name.lower() == name.lower() for stage in earlier):
        raise DockerfileSyntaxError(f"the stage name {name!r} is used twice", line)


def _parent_index(image: ImageReference, earlier: list[Stage]) -> int | None:
    if image.tag is not None or image.digest is not None:
        return None
    for stage in earlier:
        if stage.name is not None and stage.name.lower() == image.name.lower():
            return stage.index
    return None


def _image_reference(written: str, global_args: list[Instruction], line: int) -> ImageReference:
    resolved = _substitute(written, _global_arg_defaults(global_args))
    remainder, _, digest = resolved.partition("@")
    slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > slash:
        name, tag = remainder[:colon], remainder[colon + 1 :]
    else:
        name, tag = remainder, None
    if not name or tag == "" or "@" in digest or (resolved.count("@") and not digest):
        raise DockerfileSyntaxError(f"invalid image reference {written!r}", line)
    if "$" not in name and name != name.lower():
        raise DockerfileSyntaxError(
            f"invalid image reference {written!r}: repository names must be lowercase", line
        )
    return ImageReference(written=written, name=name, tag=tag, digest=digest or None)


def _global_arg_defaults(global_args: list[Instruction]) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for instruction in global_args:
        for key, value in instruction.key_values:
            if value is not None:
                defaults[key] = value
    return defaults


def _substitute(text: str, variables: dict[str, str]) -> str:
    """Expand `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}`; unknown names stay."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        operator, word = match.group("op"), match.group("word") or ""
        value = variables.get(name)
        if operator == "-":
            return value if value else word
        if operator == "+":
            return word if value else ""
        return value if value is not None else match.group(0)

    return _VARIABLE.sub(replace, text)
