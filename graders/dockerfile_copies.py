"""Follow files of the build context through COPY/ADD into the images of a Dockerfile's stages.

Used to answer "does this secret file (a `.env`) end up in the final image?" the way Docker
copies: a source is matched against context paths that the `.dockerignore` and `--exclude` did
not remove (`.` is the whole context, a folder copies its contents, `*`/`?`/`[...]` match one
path level, a glob also matches hidden files); the destination is taken relative to WORKDIR and
is a folder when it ends with `/`, names a known WORKDIR or receives several sources. Files move
on through `FROM <stage>` and `COPY --from=<stage> <path>`. A RUN that deletes a file does not
take it out of the earlier layer, so deletions are ignored; RUN `cp`/`mv` are not followed.
"""

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from graders.dockerfile_lexer import heredoc_from_word
from graders.dockerfile_model import Dockerfile, Instruction, Stage
from graders.dockerfile_variables import expand, scope_before
from graders.dockerignore import DockerignoreMatcher, clean_pattern

GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class PlacedFile:
    """A context file inside a stage's image, and the instruction that last moved it."""

    context_path: str
    image_path: str
    instruction: Instruction


def context_path(source: str) -> str:
    """A COPY source as a path relative to the context root (`.` for the root itself)."""
    cleaned = clean_pattern("/" + source.strip())
    return cleaned.lstrip("/") or "."


def files_in_stage(
    dockerfile: Dockerfile,
    stage: Stage,
    *,
    context_files: tuple[str, ...],
    explicit_files: tuple[str, ...] = (),
    ignore: DockerignoreMatcher | None = None,
) -> list[PlacedFile]:
    """Where `context_files` land in the stage's image. `explicit_files` are copied when a
    source names them exactly, even if ignored (Docker would then fail the build)."""
    tracker = _Tracker(dockerfile, context_files, explicit_files, ignore)
    return tracker.placed(stage.index, frozenset())


class _Tracker:
    def __init__(
        self,
        dockerfile: Dockerfile,
        context_files: tuple[str, ...],
        explicit_files: tuple[str, ...],
        ignore: DockerignoreMatcher | None,
    ) -> None:
        self.dockerfile = dockerfile
        self.context_files = tuple(dict.fromkeys(context_path(p) for p in context_files))
        self.explicit_files = frozenset(context_path(p) for p in explicit_files)
        self.ignore = ignore
        self.memo: dict[int, list[PlacedFile]] = {}

    def placed(self, index: int, visiting: frozenset[int]) -> list[PlacedFile]:
        if index in self.memo:
            return self.memo[index]
        if index in visiting:
            return []  # a circular --from: Docker refuses it, nothing to follow
        visiting = visiting | {index}
        stage = self.dockerfile.stages[index]
        files: list[PlacedFile] = []
        workdirs = ["/"]
        if stage.parent_index is not None:
            files = list(self.placed(stage.parent_index, visiting))
            workdirs = self._workdirs(self.dockerfile.stages[stage.parent_index])
        for item in stage.instructions:
            if item.keyword not in {"WORKDIR", "COPY", "ADD"}:
                continue
            scope = scope_before(self.dockerfile, item)
            if item.keyword == "WORKDIR":
                path = expand(item.arguments, scope, escape=self.dockerfile.escape).value
                workdirs.append(posixpath.normpath(posixpath.join(workdirs[-1], path)))
            elif item.keyword in {"COPY", "ADD"}:
                files.extend(self._copy(stage, item, scope, workdirs, visiting))
        self.memo[index] = files
        return files

    def _workdirs(self, stage: Stage) -> list[str]:
        workdirs = ["/"]
        for ancestor in reversed(self.dockerfile.lineage(stage)):
            for item in ancestor.instructions_named("WORKDIR"):
                workdirs.append(posixpath.normpath(posixpath.join(workdirs[-1], item.arguments)))
        return workdirs

    def _copy(
        self,
        stage: Stage,
        item: Instruction,
        scope: Mapping[str, str],
        workdirs: list[str],
        visiting: frozenset[int],
    ) -> list[PlacedFile]:
        escape = self.dockerfile.escape
        words = [expand(word, scope, escape=escape).value for word in item.words]
        # Heredoc sources (`COPY <<EOF /file`) are inline text, not context files.
        sources = [
            word
            for word, written in zip(words[:-1], item.words[:-1], strict=True)
            if item.exec_form is not None or heredoc_from_word(written) is None
        ]
        if not sources:
            return []
        target = words[-1]
        destination = posixpath.normpath(posixpath.join(workdirs[-1], target))
        into_folder = (
            target.endswith("/")
            or target in {".", "./"}
            or len(words) > 2
            or destination in workdirs
            or any(set(source) & GLOB_CHARACTERS for source in sources)
        )
        reference = item.flag("from")
        available = self._available(stage, item, scope, visiting)
        placed: list[PlacedFile] = []
        for source in sources:
            cleaned = context_path(source)
            for path, origin_path in available:
                if reference is None and not self._sent(path, cleaned):
                    continue
                relative = _relative_copy(cleaned, path)
                if relative is None:
                    continue
                if relative == "":
                    image_path = (
                        posixpath.join(destination, posixpath.basename(path))
                        if into_folder
                        else destination
                    )
                else:
                    image_path = posixpath.join(destination, relative)
                placed.append(PlacedFile(origin_path, image_path, item))
        return placed

    def _available(
        self,
        stage: Stage,
        item: Instruction,
        scope: Mapping[str, str],
        visiting: frozenset[int],
    ) -> list[tuple[str, str]]:
        """(path the COPY sources match against, context file it came from) for each file the
        instruction can copy: another stage's placed files with --from, else the context's."""
        reference = item.flag("from")
        if reference is not None:
            resolved = expand(reference, scope, escape=self.dockerfile.escape).value
            origin = self.dockerfile.stage_reference(resolved)
            if origin is None or origin.index == stage.index:
                return []
            return [
                (placed.image_path.lstrip("/"), placed.context_path)
                for placed in self.placed(origin.index, visiting)
            ]
        excludes = [DockerignoreMatcher(pattern) for pattern in item.flag_values("exclude")]
        return [
            (path, path)
            for path in self.context_files
            if not any(matcher.excludes(path) for matcher in excludes)
        ]

    def _sent(self, path: str, source: str) -> bool:
        """The file is in the context Docker sends (or named exactly by the source)."""
        if source == path and path in self.explicit_files:
            return True
        return self.ignore is None or not self.ignore.excludes(path)


def _relative_copy(source: str, path: str) -> str | None:
    """Where `path` lands below the destination when `source` is copied: "" when the source is
    the file itself (or a glob matching it), the path inside a copied folder, None if not copied.
    """
    if source == ".":
        return path
    if set(source) & GLOB_CHARACTERS:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            if _glob_match("/".join(parts[:depth]), source):
                rest = "/".join(parts[depth:])
                return rest
        return None
    if path == source:
        return ""
    if path.startswith(source + "/"):
        return path[len(source) + 1 :]
    return None


def _glob_match(path: str, pattern: str) -> bool:
    """Go's filepath.Match: `*` and `?` stay within one path level."""
    path_parts, pattern_parts = path.split("/"), pattern.split("/")
    return len(path_parts) == len(pattern_parts) and all(
        fnmatchcase(part, glob) for part, glob in zip(path_parts, pattern_parts, strict=True)
    )
