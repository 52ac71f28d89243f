"""Turn a learner's files into a Docker build context tar that we built and size-checked ourselves.

Learner text is never handed to Docker as a build `path` (URLs and git addresses would become remote
builds). `.dockerignore` (or `<Dockerfile>.dockerignore`, which BuildKit prefers) is applied here
with the rules of `graders.dockerignore`, because the Engine API expects the client to do it.
"""

import io
import posixpath
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass

from graders.dockerignore import (
    DOCKERIGNORE,
    DockerignorePatternError,
    ignore_file_name,
    is_ignored,
    parse_dockerignore,
)

__all__ = [
    "DOCKERIGNORE",
    "MAX_CONTEXT_FILES",
    "BuildContext",
    "ContextRejectedError",
    "build_context",
    "clean_files",
    "is_ignored",
    "parse_dockerignore",
]
# A context of thousands of tiny files costs the daemon more than its byte size suggests.
MAX_CONTEXT_FILES = 2_000
# Fixed metadata so the same files always give the same tar (reproducible grading).
_FILE_MODE = 0o644
_FIXED_MTIME = 0


class ContextRejectedError(ValueError):
    """The submitted files cannot form a safe build context; the reason is shown to the learner."""


@dataclass(frozen=True)
class BuildContext:
    """A ready context tar plus what went into it."""

    tar: bytes
    paths: tuple[str, ...]
    content_bytes: int
    dockerfile: bytes


def _clean_path(path: str) -> str:
    if not path or "\x00" in path or "\\" in path:
        raise ContextRejectedError(f"invalid file name {path!r}")
    if path.startswith("/"):
        raise ContextRejectedError(f"absolute path {path!r} in the build context")
    cleaned = posixpath.normpath(path)
    if cleaned in {".", ".."} or cleaned.startswith("../"):
        raise ContextRejectedError(f"path {path!r} leaves the build context")
    return cleaned


def clean_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Normalise paths (`./a//b` -> `a/b`), refusing escapes, absolute paths and duplicates."""
    cleaned: dict[str, bytes] = {}
    for path, content in files.items():
        name = _clean_path(path)
        if name in cleaned:
            raise ContextRejectedError(f"{path!r} appears twice in the build context")
        cleaned[name] = content
    return cleaned


def build_context(files: Mapping[str, bytes], *, dockerfile: str, max_bytes: int) -> BuildContext:
    """Make the context tar from path -> content, applying `.dockerignore` and the size limits.

    Like the Docker CLI, the Dockerfile and `.dockerignore` are always sent even if ignored.
    """
    cleaned = clean_files(files)
    dockerfile = _clean_path(dockerfile)
    if dockerfile not in cleaned:
        raise ContextRejectedError(f"no {dockerfile} in the submission")
    ignore_name = ignore_file_name(cleaned, dockerfile=dockerfile)
    ignore_text = cleaned[ignore_name].decode("utf-8", "replace") if ignore_name else ""
    try:
        rules = parse_dockerignore(ignore_text)
    except DockerignorePatternError as error:
        raise ContextRejectedError(str(error)) from error
    always_sent = {dockerfile, DOCKERIGNORE} | ({ignore_name} if ignore_name else set())
    kept = sorted(p for p in cleaned if p in always_sent or not is_ignored(p, rules))
    if len(kept) > MAX_CONTEXT_FILES:
        raise ContextRejectedError(
            f"build context has {len(kept)} files (limit {MAX_CONTEXT_FILES})"
        )
    content_bytes = sum(len(cleaned[p]) for p in kept)
    if content_bytes > max_bytes:
        raise ContextRejectedError(f"build context is {content_bytes} bytes (limit {max_bytes})")
    tar = _tar(kept, cleaned)
    if len(tar) > max_bytes + _tar_overhead(len(kept)):
        raise ContextRejectedError(f"build context tar is {len(tar)} bytes (limit {max_bytes})")
    return BuildContext(
        tar=tar, paths=tuple(kept), content_bytes=content_bytes, dockerfile=cleaned[dockerfile]
    )


def _tar_overhead(file_count: int) -> int:
    # A header block, padding and possible PAX headers per member, plus the end-of-archive blocks;
    # the context limit is about content, not tar framing.
    per_member = 3 * tarfile.BLOCKSIZE
    return per_member * file_count + tarfile.RECORDSIZE


def _tar(paths: list[str], files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path in paths:
            info = tarfile.TarInfo(path)
            info.size = len(files[path])
            info.mode = _FILE_MODE
            info.mtime = _FIXED_MTIME
            archive.addfile(info, io.BytesIO(files[path]))
    return buffer.getvalue()
