"""Parse a learner's Dockerfile into frozen dataclasses (`graders.dockerfile_model`).

Why hand-written: the `dockerfile` package on PyPI wraps BuildKit's own Go parser, but version
3.4.0 ships wheels only for x86_64 Linux, macOS arm64 and Windows. On aarch64 Linux it builds from
source and needs a Go toolchain, so `uv sync --locked` fails on a fresh machine of that kind; it
also pins an old BuildKit (v0.12) and returns only the raw syntax tree (flags as strings, no
stage or argument checks), which this module would have to redo anyway. So the grammar is
implemented here, following BuildKit's front end (`frontend/dockerfile/parser` and
`instructions`) rule by rule:

- `graders.dockerfile_lexer` reads lines exactly as BuildKit does: parser directives
  (`# syntax=`, `# escape=`, `# check=`) on the leading lines only, continuations with the
  escape token, comments and blank lines inside continued instructions, heredocs
  (`RUN <<EOT`, `COPY <<-EOF /file`, quoted delimiters, several per instruction), and the start
  and end line of every instruction;
- this module then checks each instruction as BuildKit's `instructions.Parse` does (known
  keywords, each instruction's own flags, exec versus shell form, `KEY=value` pairs, FROM and
  stage names, HEALTHCHECK forms) and groups the instructions into stages, resolving `FROM`
  against the global ARGs (`graders.dockerfile_variables`).

Anything Docker itself would refuse raises `DockerfileSyntaxError` with the line it starts on.
"""

import re

from graders.dockerfile_lexer import (
    DockerfileSyntaxError,
    Heredoc,
    JsonArrayError,
    RawInstruction,
    heredoc_from_word,
    parse_json_array,
    parse_words,
    scan_dockerfile,
    split_command,
)
from graders.dockerfile_model import (
    SCRATCH_IMAGE,
    Dockerfile,
    ImageReference,
    Instruction,
    InstructionFlag,
    Stage,
)
from graders.dockerfile_variables import UnbalancedQuoteError, expand, global_scope, unquote

__all__ = [
    "SCRATCH_IMAGE",
    "Dockerfile",
    "DockerfileSyntaxError",
    "Heredoc",
    "ImageReference",
    "Instruction",
    "InstructionFlag",
    "Stage",
    "parse_dockerfile",
]

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
STRING, SWITCH, REPEATED = "string", "switch", "repeated"
# Flags each instruction accepts (Dockerfile frontend 1.x, stable channel) and their kind: a
# string needs `=value`, a switch takes nothing or `=true|false`, a repeated string may be given
# several times. BuildKit refuses any other flag, on every instruction.
INSTRUCTION_FLAGS: dict[str, dict[str, str]] = {
    "FROM": {"platform": STRING},
    "COPY": {
        "from": STRING,
        "chown": STRING,
        "chmod": STRING,
        "link": SWITCH,
        "parents": SWITCH,
        "exclude": REPEATED,
    },
    "ADD": {
        "chown": STRING,
        "chmod": STRING,
        "link": SWITCH,
        "keep-git-dir": SWITCH,
        "checksum": STRING,
        "exclude": REPEATED,
        "unpack": SWITCH,
    },
    "RUN": {"mount": REPEATED, "network": STRING, "security": STRING},
    "HEALTHCHECK": {
        "interval": STRING,
        "timeout": STRING,
        "start-period": STRING,
        "start-interval": STRING,
        "retries": STRING,
    },
}
# JSON array or the whole text as one shell string / JSON array or whitespace-separated words.
JSON_OR_STRING = frozenset({"CMD", "ENTRYPOINT", "RUN", "SHELL"})
JSON_OR_WORDS = frozenset({"ADD", "COPY", "VOLUME"})
KEY_VALUE_KEYWORDS = frozenset({"ARG", "ENV", "LABEL"})
ONBUILD_FORBIDDEN = frozenset({"ONBUILD", "FROM", "MAINTAINER"})
URL_SOURCE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9-_.]*$")
# Go's time.ParseDuration, as HEALTHCHECK's durations are read.
_DURATION = re.compile(r"^(?:0|(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$")
_BOOLEAN_VALUES = frozenset({"true", "false"})


def parse_dockerfile(text: str) -> Dockerfile:
    """Parse Dockerfile text; raises DockerfileSyntaxError for anything Docker would refuse."""
    scanned = scan_dockerfile(text)
    instructions = [_instruction(raw, scanned.escape) for raw in scanned.instructions]
    global_args, groups = _split_stages(instructions, last_line=scanned.instructions[-1].line)
    values = global_scope(global_args, escape=scanned.escape)
    stages: list[Stage] = []
    for from_instruction, body in groups:
        stages.append(_stage(from_instruction, body, stages, values, scanned.escape))
    return Dockerfile(
        stages=tuple(stages),
        global_args=global_args,
        escape=scanned.escape,
        directives=scanned.directives,
        global_values=values,
    )


def _instruction(raw: RawInstruction, escape: str) -> Instruction:
    keyword, flag_words, rest = split_command(raw.text)
    line = raw.line
    if keyword not in INSTRUCTION_KEYWORDS:
        raise DockerfileSyntaxError(
            f"unknown instruction '{raw.text.split()[0]}'. Every line must start with an "
            "instruction such as FROM, RUN or COPY; if it continues the line above, end that "
            "line with the escape character ('\\' unless `# escape=` says otherwise)",
            line,
        )
    is_disabled_healthcheck = keyword == "HEALTHCHECK" and _first_word(rest).upper() == "NONE"
    flags = () if is_disabled_healthcheck else _flags(keyword, flag_words, line)
    if not rest:
        raise DockerfileSyntaxError(f"{keyword} needs at least one argument", line)
    exec_form = _exec_form(keyword, rest, line)
    raw_pairs = _raw_key_values(keyword, rest, escape, line)
    try:
        pairs = tuple(
            (name, None if value is None else unquote(value, escape=escape))
            for name, value in raw_pairs
        )
    except UnbalancedQuoteError as error:
        raise DockerfileSyntaxError(f"{keyword} has unbalanced quotes ({error})", line) from error
    instruction = Instruction(
        keyword=keyword,
        arguments=rest,
        line=line,
        end_line=raw.end_line,
        flags=flags,
        exec_form=exec_form,
        key_values=pairs,
        raw_key_values=raw_pairs,
        heredocs=raw.heredocs,
    )
    _check_shape(instruction)
    return instruction


def _flags(keyword: str, words: tuple[str, ...], line: int) -> tuple[InstructionFlag, ...]:
    allowed = INSTRUCTION_FLAGS.get(keyword, {})
    flags: list[InstructionFlag] = []
    for word in words:
        name, has_value, value = word[2:].partition("=")
        kind = allowed.get(name)
        if kind is None:
            accepted = ", ".join(f"--{flag}" for flag in sorted(allowed)) or "no flags"
            raise DockerfileSyntaxError(
                f"unknown flag '--{name}' for {keyword} (it accepts {accepted})", line
            )
        if kind != REPEATED and any(flag.name == name for flag in flags):
            raise DockerfileSyntaxError(f"the flag --{name} of {keyword} is given twice", line)
        if kind == SWITCH:
            if has_value and value.lower() not in _BOOLEAN_VALUES:
                raise DockerfileSyntaxError(
                    f"the flag --{name} of {keyword} takes no value (or =true / =false)", line
                )
            flags.append(InstructionFlag(name, value.lower() if has_value else None))
            continue
        if not has_value:
            raise DockerfileSyntaxError(
                f"the flag --{name} of {keyword} needs a value: --{name}=...", line
            )
        flags.append(InstructionFlag(name, value))
    return tuple(flags)


def _exec_form(keyword: str, rest: str, line: int) -> tuple[str, ...] | None:
    if keyword == "HEALTHCHECK":
        kind, command = _split_first_word(rest)
        return _exec_form("CMD", command, line) if kind.upper() == "CMD" else None
    if keyword not in JSON_OR_STRING | JSON_OR_WORDS:
        return None
    try:
        return parse_json_array(rest)
    except JsonArrayError as error:
        raise DockerfileSyntaxError(f"{keyword}: {error}", line) from error


def _raw_key_values(
    keyword: str, rest: str, escape: str, line: int
) -> tuple[tuple[str, str | None], ...]:
    if keyword not in KEY_VALUE_KEYWORDS:
        return ()
    words = parse_words(rest, escape)
    if keyword != "ARG" and words and "=" not in words[0]:
        # The legacy `ENV KEY value with spaces` form: the rest of the line is the value.
        parts = re.split(r"[\t\v\f\r ]+", rest, maxsplit=1)
        if len(parts) < 2:
            raise DockerfileSyntaxError(f"{keyword} must have two arguments", line)
        return ((parts[0], parts[1]),)
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, has_value, value = word.partition("=")
        if keyword != "ARG" and not has_value:
            raise DockerfileSyntaxError(
                f"{keyword} expects KEY=value, found {word!r} (no '=')", line
            )
        if not name:
            raise DockerfileSyntaxError(f"{keyword} has a blank name in {word!r}", line)
        pairs.append((name, value if has_value else None))
    return tuple(pairs)


def _check_shape(instruction: Instruction) -> None:
    keyword, line = instruction.keyword, instruction.line
    if keyword in {"COPY", "ADD"}:
        _check_copy(instruction)
    elif keyword == "HEALTHCHECK":
        _check_healthcheck(instruction)
    elif keyword == "SHELL" and instruction.exec_form is None:
        raise DockerfileSyntaxError(
            'SHELL requires a JSON array, like SHELL ["/bin/bash", "-c"]', line
        )
    elif keyword == "ONBUILD":
        trigger = instruction.arguments.split()[0].upper()
        if trigger in ONBUILD_FORBIDDEN:
            raise DockerfileSyntaxError(f"{trigger} isn't allowed as an ONBUILD trigger", line)
        if trigger not in INSTRUCTION_KEYWORDS:
            raise DockerfileSyntaxError(f"unknown instruction '{trigger}' after ONBUILD", line)


def _check_copy(instruction: Instruction) -> None:
    keyword, line, words = instruction.keyword, instruction.line, instruction.words
    if len(words) < 2:
        raise DockerfileSyntaxError(
            f"{keyword} needs at least one source and a destination, like {keyword} . /app", line
        )
    if instruction.exec_form is None and heredoc_from_word(words[-1]) is not None:
        raise DockerfileSyntaxError(f"{keyword} cannot use a heredoc as a destination", line)
    if keyword == "COPY" and not instruction.has_flag("from"):
        for source in words[:-1]:
            if URL_SOURCE.match(source):
                raise DockerfileSyntaxError(
                    f"COPY cannot fetch a URL ({source}); Docker says "
                    '"source can\'t be a URL for COPY"',
                    line,
                )


def _check_healthcheck(instruction: Instruction) -> None:
    line = instruction.line
    kind, command = _split_first_word(instruction.arguments)
    kind = kind.upper()
    if kind == "NONE":
        if command.strip():
            raise DockerfileSyntaxError("HEALTHCHECK NONE takes no arguments", line)
        return
    if kind != "CMD":
        raise DockerfileSyntaxError(
            "HEALTHCHECK expects 'CMD <command>' or 'NONE' after its options", line
        )
    if not command.strip() or instruction.exec_form == ():
        raise DockerfileSyntaxError("Missing command after HEALTHCHECK CMD", line)
    for flag in instruction.flags:
        value = flag.value or ""
        if flag.name == "retries":
            if not re.fullmatch(r"\d+", value):
                raise DockerfileSyntaxError(
                    f"--retries must be a whole number, not {value!r}", line
                )
        elif not _DURATION.match(value):
            raise DockerfileSyntaxError(
                f"--{flag.name}={value} is not a duration such as 30s, 1m30s or 500ms", line
            )


def _first_word(text: str) -> str:
    return _split_first_word(text)[0]


def _split_first_word(text: str) -> tuple[str, str]:
    first, *rest = text.split(maxsplit=1)
    return first, rest[0].strip() if rest else ""


def _split_stages(
    instructions: list[Instruction], last_line: int
) -> tuple[tuple[Instruction, ...], list[tuple[Instruction, list[Instruction]]]]:
    global_args: list[Instruction] = []
    groups: list[tuple[Instruction, list[Instruction]]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            groups.append((instruction, []))
        elif groups:
            groups[-1][1].append(instruction)
        elif instruction.keyword == "ARG":
            global_args.append(instruction)
        else:
            raise DockerfileSyntaxError(
                f"{instruction.keyword} comes before the first FROM; only ARG may",
                instruction.line,
            )
    if not groups:
        raise DockerfileSyntaxError("the Dockerfile has no FROM instruction", last_line)
    return tuple(global_args), groups


def _stage(
    from_instruction: Instruction,
    body: list[Instruction],
    earlier: list[Stage],
    values: dict[str, str],
    escape: str,
) -> Stage:
    words = from_instruction.words
    line = from_instruction.line
    if len(words) == 3 and words[1].upper() == "AS":
        name: str | None = words[2]
    elif len(words) == 1:
        name = None
    else:
        raise DockerfileSyntaxError(
            "FROM expects 'image[:tag][@digest] [AS name]', found " + repr(" ".join(words)), line
        )
    if name is not None:
        _check_stage_name(name, earlier, line)
    resolved = expand(words[0], values, escape=escape)
    parent = next((stage for stage in earlier if stage.is_named(resolved.value)), None)
    image = _image_reference(words[0], resolved.value, resolved.unset, line, is_stage=parent)
    platform = from_instruction.flag("platform")
    return Stage(
        index=len(earlier),
        image=image,
        name=name,
        platform=None if platform is None else expand(platform, values, escape=escape).value,
        from_instruction=from_instruction,
        instructions=tuple(body),
        parent_index=None if parent is None else parent.index,
    )


def _check_stage_name(name: str, earlier: list[Stage], line: int) -> None:
    if not _STAGE_NAME.match(name.lower()):
        raise DockerfileSyntaxError(
            f"invalid stage name {name!r}: use a letter, then letters, digits, '-', '_' or '.'",
            line,
        )
    if any(stage.is_named(name) for stage in earlier):
        raise DockerfileSyntaxError(f"the stage name {name!r} is used twice", line)


def _image_reference(
    written: str, resolved: str, unset: tuple[str, ...], line: int, *, is_stage: Stage | None
) -> ImageReference:
    remainder, at, digest = resolved.partition("@")
    slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > slash:
        name, tag = remainder[:colon], remainder[colon + 1 :]
    else:
        name, tag = remainder, None
    if is_stage is not None or unset:
        return ImageReference(written, name, tag, digest or None, unset_args=unset)
    if not name or tag == "" or "@" in digest or (at and not digest):
        raise DockerfileSyntaxError(f"invalid image reference {written!r}", line)
    if name != name.lower():
        raise DockerfileSyntaxError(
            f"invalid image reference {written!r}: repository names must be lowercase", line
        )
    return ImageReference(written, name, tag, digest or None)
