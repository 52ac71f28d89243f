"""A minimal Dockerfile scan run before every build: things the daemon itself would fetch.

`network_mode="none"` only applies to `RUN`; the daemon downloads `ADD <url>` and pulls `FROM` /
`COPY --from` images outside the sandbox. This scan rejects those. It is deliberately small and will
be replaced by the full parser (`graders/dockerfile_parser.py`): `build_image` takes any function
with the signature of `screen_dockerfile`.
"""

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

DEFAULT_ESCAPE = "\\"
_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
_REMOTE_SOURCE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@)")
# `FROM scratch` is the empty image; it never triggers a pull.
SCRATCH = "scratch"
# The course's Dockerfiles have 5 to 30 instructions. The classic builder commits an image for
# each one (0.1-0.3 s apiece on a busy grading host) and a cancelled build leaves them all to
# delete, so a Dockerfile of thousands of lines could never get a verdict within the task's time
# budget: past this many, it is refused before anything is built.
MAX_DOCKERFILE_INSTRUCTIONS = 100


@dataclass(frozen=True)
class Rejection:
    """Why a Dockerfile is not built, with the 1-based line it starts on."""

    reason: str
    line: int


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    line: int


def normalize_reference(reference: str) -> str:
    """`busybox` -> `busybox:latest`, `docker.io/library/x:1` -> `x:1` (Docker Hub shorthand)."""
    name, at, digest = reference.partition("@")
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    name = name.removeprefix("library/")
    if not at and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return f"{name}{at}{digest}"


def _escape_char(lines: list[str]) -> str:
    for raw in lines:
        match = _DIRECTIVE.match(raw.strip())
        if not match:
            break
        if match.group(1).lower() == "escape" and match.group(2) in {"\\", "`"}:
            return match.group(2)
    return DEFAULT_ESCAPE


def instructions(text: str) -> Iterator[Instruction]:
    """Logical instructions: continuation lines joined, comments and blank lines dropped."""
    lines = text.splitlines()
    escape = _escape_char(lines)
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        continued = stripped.endswith(escape)
        pending.append(stripped[:-1] if continued else stripped)
        if not continued:
            yield _instruction(" ".join(pending), start)
            pending = []
    if pending:
        yield _instruction(" ".join(pending), start)


def _instruction(logical: str, line: int) -> Instruction:
    keyword, _, arguments = logical.strip().partition(" ")
    return Instruction(keyword.upper(), arguments.strip(), line)


def _words(arguments: str) -> list[str]:
    if arguments.startswith("["):
        try:
            parsed = json.loads(arguments)
        except (json.JSONDecodeError, RecursionError):  # nested too deep: no list of strings
            parsed = None
        if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
            return parsed
    try:
        return shlex.split(arguments, posix=True)
    except ValueError:
        return arguments.split()


def _substitute(value: str, variables: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: variables.get(m.group(1) or m.group(2), ""), value)


def _declare(arguments: str, variables: dict[str, str], *, overwrite: bool) -> None:
    for word in _words(arguments):
        name, has_value, value = word.partition("=")
        if overwrite or name not in variables:
            variables[name] = _substitute(value, variables) if has_value else ""


class _Screen:
    """State of one scan: stage names and the ARG/ENV values that are known so far."""

    def __init__(self, allowed_bases: frozenset[str]) -> None:
        self.allowed = {normalize_reference(image) for image in allowed_bases}
        self.stages: list[str] = []
        self.global_args: dict[str, str] = {}
        self.variables: dict[str, str] = {}

    def check(self, instruction: Instruction) -> Rejection | None:
        keyword, arguments, line = instruction.keyword, instruction.arguments, instruction.line
        if keyword == "ONBUILD":
            return self.check(_instruction(arguments, line))
        if keyword == "FROM":
            return self._from(arguments, line)
        if keyword in {"ARG", "ENV"}:
            target = self.variables if self.stages else self.global_args
            _declare(arguments, target, overwrite=keyword == "ENV")
            return None
        if keyword in {"ADD", "COPY"}:
            return self._copy(keyword, arguments, line)
        return None

    def _is_stage(self, reference: str) -> bool:
        """A previous stage, by name or by index (`COPY --from=0`)."""
        if reference.isdigit():
            return int(reference) < len(self.stages)
        return reference.lower() in self.stages

    def _image_allowed(self, image: str) -> bool:
        return image == SCRATCH or normalize_reference(image) in self.allowed

    def _from(self, arguments: str, line: int) -> Rejection | None:
        words = [w for w in _words(arguments) if not w.startswith("--")]
        if not words:
            return Rejection("FROM without an image", line)
        image = _substitute(words[0], self.global_args)
        if len(words) >= 3 and words[1].lower() == "as":
            self.stages.append(words[2].lower())
        else:
            self.stages.append(str(len(self.stages)))
        self.variables = dict(self.global_args)
        if image.lower() in self.stages[:-1] or self._image_allowed(image):
            return None
        allowed = ", ".join(sorted(self.allowed))
        return Rejection(f"base image {image!r} is not allowed (allowed: {allowed})", line)

    def _copy(self, keyword: str, arguments: str, line: int) -> Rejection | None:
        words = _words(arguments)
        flags = [w for w in words if w.startswith("--")]
        sources = [w for w in words if not w.startswith("--")][:-1]
        for flag in flags:
            name, _, value = flag.partition("=")
            if name == "--from" and not (self._is_stage(value) or self._image_allowed(value)):
                return Rejection(f"{keyword} --from={value} names an image not allowed", line)
        for source in sources:
            if _REMOTE_SOURCE.match(_substitute(source, self.variables)):
                return Rejection(f"{keyword} from a remote source ({source}) is not allowed", line)
        return None


def screen_dockerfile(text: str, allowed_bases: frozenset[str]) -> Rejection | None:
    """Return why the Dockerfile must not be built, or None if the daemon would fetch nothing
    and it is within MAX_DOCKERFILE_INSTRUCTIONS."""
    screen = _Screen(allowed_bases)
    seen_from = False
    for count, instruction in enumerate(instructions(text), start=1):
        if count > MAX_DOCKERFILE_INSTRUCTIONS:
            return Rejection(
                f"the Dockerfile has more than {MAX_DOCKERFILE_INSTRUCTIONS} instructions, the "
                "most a submission may have (each one is built as a step of its own)",
                instruction.line,
            )
        rejection = screen.check(instruction)
        if rejection is not None:
            return rejection
        seen_from = seen_from or instruction.keyword == "FROM"
    if not seen_from:
        return Rejection("the Dockerfile has no FROM instruction", 1)
    return None
