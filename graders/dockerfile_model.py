"""The parsed Dockerfile as small frozen dataclasses: the only shape rules depend on.

`graders.dockerfile_parser.parse_dockerfile` builds these; rules read them and never see how the
text was lexed. Lines are 1-based source lines; an instruction's `end_line` includes its
continuation lines and the bodies of the heredocs it opens.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from graders.dockerfile_lexer import DEFAULT_ESCAPE, Heredoc

SCRATCH_IMAGE = "scratch"
# A full digest as `docker images --digests` prints it; placeholders like `sha256:abc123...`
# make `docker build` fail with "invalid reference format".
FULL_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True)
class InstructionFlag:
    name: str
    value: str | None


@dataclass(frozen=True)
class Instruction:
    """One logical instruction; `line`/`end_line` span its continuation lines and heredocs.

    `arguments` is the text after the keyword and its flags, as written (continuations joined).
    `key_values` holds ENV/ARG/LABEL pairs with quotes removed; `raw_key_values` the same pairs
    as written, for variable expansion. `exec_form` is set for a JSON array argument.
    """

    keyword: str
    arguments: str
    line: int
    end_line: int
    flags: tuple[InstructionFlag, ...] = ()
    exec_form: tuple[str, ...] | None = None
    key_values: tuple[tuple[str, str | None], ...] = ()
    raw_key_values: tuple[tuple[str, str | None], ...] = ()
    heredocs: tuple[Heredoc, ...] = ()

    @property
    def is_exec_form(self) -> bool:
        return self.exec_form is not None

    @property
    def words(self) -> tuple[str, ...]:
        """Arguments split the way Docker splits COPY/ADD/FROM: JSON items or whitespace."""
        if self.exec_form is not None:
            return self.exec_form
        return tuple(self.arguments.split())

    @property
    def text(self) -> str:
        """Everything the instruction puts into the build: arguments, flags, heredoc bodies."""
        flags = " ".join(f"--{flag.name}={flag.value or ''}" for flag in self.flags)
        bodies = "\n".join(heredoc.content for heredoc in self.heredocs)
        return "\n".join(part for part in (flags, self.arguments, bodies) if part)

    def has_flag(self, name: str) -> bool:
        return any(flag.name == name for flag in self.flags)

    def flag(self, name: str) -> str | None:
        """Value of the `--name=value` flag, or None (a switch such as `--link` gives "")."""
        values = self.flag_values(name)
        return values[-1] if values else None

    def flag_values(self, name: str) -> tuple[str, ...]:
        """Every value of a repeatable flag such as `--mount` or `--exclude`."""
        return tuple(flag.value or "" for flag in self.flags if flag.name == name)

    def heredoc_named(self, name: str) -> Heredoc | None:
        return next((heredoc for heredoc in self.heredocs if heredoc.name == name), None)


@dataclass(frozen=True)
class ImageReference:
    """A `FROM` image as written and as resolved against the global ARG values."""

    written: str
    name: str
    tag: str | None
    digest: str | None
    # Build arguments without a value that the reference uses (Docker makes them "").
    unset_args: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_scratch(self) -> bool:
        return self.name == SCRATCH_IMAGE and self.tag is None and self.digest is None

    @property
    def is_unresolved(self) -> bool:
        """True when a build argument without a default decides part of the reference."""
        return bool(self.unset_args)

    @property
    def has_full_digest(self) -> bool:
        return self.digest is not None and FULL_DIGEST.match(self.digest) is not None

    @property
    def repository(self) -> str:
        """The last path part of the name: `node` for `docker.io/library/node`."""
        return self.name.rsplit("/", 1)[-1]


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

    @property
    def is_external(self) -> bool:
        """Its base is a registry image: not `scratch`, not an earlier stage."""
        return not self.builds_on_stage and not self.image.is_scratch

    def instructions_named(self, keyword: str) -> tuple[Instruction, ...]:
        wanted = keyword.upper()
        return tuple(item for item in self.instructions if item.keyword == wanted)

    def is_named(self, reference: str) -> bool:
        """Stage names are case-insensitive, as BuildKit lowercases them."""
        return self.name is not None and self.name.lower() == reference.lower()


@dataclass(frozen=True)
class Dockerfile:
    stages: tuple[Stage, ...]
    global_args: tuple[Instruction, ...]
    escape: str = DEFAULT_ESCAPE
    directives: tuple[tuple[str, str], ...] = ()
    # Global ARG values (defaults, no --build-arg) plus BuildKit's platform ARGs.
    global_values: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # Derived indexes (variable scopes, instruction positions), built once on first use.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

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

    def stage_for(self, instruction: Instruction) -> Stage | None:
        """The stage an instruction belongs to (None for a global ARG)."""
        if "stage_of" not in self.derived:
            self.derived["stage_of"] = {
                id(item): stage for stage in self.stages for item in stage.instructions
            }
        stage: Stage | None = self.derived["stage_of"].get(id(instruction))
        return stage

    def stage_reference(self, reference: str) -> Stage | None:
        """The stage `COPY --from=<reference>` names (by name or index), or None for an
        external image."""
        if reference.isdigit():
            index = int(reference)
            return self.stages[index] if index < len(self.stages) else None
        return next((stage for stage in self.stages if stage.is_named(reference)), None)

    def all_instructions(self) -> tuple[Instruction, ...]:
        everything = list(self.global_args)
        for stage in self.stages:
            everything.append(stage.from_instruction)
            everything.extend(stage.instructions)
        return tuple(everything)
