"""Turn a task folder's files into the SubmissionFiles a learner would send."""

import hashlib
import io
import tarfile
import zipfile
from collections.abc import Mapping

from graders.data import SubmissionFiles, SubmissionKind
from graders.tasks import COMMANDS_FILE

DOCKERFILE = "Dockerfile"


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def tar_gz_bytes(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, content in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def submission(kind: SubmissionKind, files: Mapping[str, bytes]) -> SubmissionFiles:
    if kind == SubmissionKind.ARCHIVE:
        name, content = "solution.zip", zip_bytes(files)
    elif kind == SubmissionKind.DOCKERFILE:
        name, content = DOCKERFILE, files[DOCKERFILE]
    else:
        name, content = COMMANDS_FILE, files[COMMANDS_FILE]
    return SubmissionFiles(
        kind=kind, file_name=name, content=content, sha256=hashlib.sha256(content).hexdigest()
    )


def raw_submission(kind: SubmissionKind, file_name: str, content: bytes) -> SubmissionFiles:
    return SubmissionFiles(
        kind=kind, file_name=file_name, content=content, sha256=hashlib.sha256(content).hexdigest()
    )
