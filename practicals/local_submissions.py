"""Submissions read from the local disk for `manage.py grade`: a Dockerfile, a folder, an archive.

A folder becomes what the portal would have received: its Dockerfile (dockerfile tasks), its
commands file (commands tasks), or a .tar.gz of the whole folder (archive tasks).
"""

import hashlib
import io
import tarfile
from pathlib import Path

from graders.data import SubmissionFiles, SubmissionKind

COMMAND_FILE_NAMES = ("commands.sh", "commands.txt", "commands")
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
# Folders a learner would not include in an upload (and that only slow the build down).
SKIPPED_FOLDERS = frozenset({".git", "__pycache__", "node_modules", ".venv"})


class LocalSubmissionError(ValueError):
    pass


def local_submission_read(*, path: Path, kind: SubmissionKind) -> SubmissionFiles:
    if not path.exists():
        raise LocalSubmissionError(f"{path} does not exist.")
    if path.is_dir():
        name, content = _from_folder(path, kind)
    else:
        name, content = path.name, path.read_bytes()
        if kind is SubmissionKind.ARCHIVE and not name.lower().endswith(ARCHIVE_SUFFIXES):
            raise LocalSubmissionError(
                f"{path}: an archive task takes a .zip or .tar.gz (or a folder)."
            )
    return SubmissionFiles(
        kind=kind, file_name=name, content=content, sha256=hashlib.sha256(content).hexdigest()
    )


def _from_folder(folder: Path, kind: SubmissionKind) -> tuple[str, bytes]:
    if kind is SubmissionKind.DOCKERFILE:
        dockerfile = folder / "Dockerfile"
        if not dockerfile.is_file():
            raise LocalSubmissionError(f"{folder} has no Dockerfile.")
        return "Dockerfile", dockerfile.read_bytes()
    if kind is SubmissionKind.COMMANDS:
        for name in COMMAND_FILE_NAMES:
            if (folder / name).is_file():
                return "commands.sh", (folder / name).read_bytes()
        raise LocalSubmissionError(f"{folder} has none of {', '.join(COMMAND_FILE_NAMES)}.")
    return f"{folder.resolve().name}.tar.gz", folder_tar_gz(folder)


def folder_tar_gz(folder: Path) -> bytes:
    """The folder's files (no links, no caches) as a .tar.gz with fixed owners and times."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_symlink() or not path.is_file():
                continue
            if SKIPPED_FOLDERS.intersection(relative.parts):
                continue
            info = tarfile.TarInfo(relative.as_posix())
            content = path.read_bytes()
            info.size = len(content)
            info.mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
            info.mtime = 0
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()
