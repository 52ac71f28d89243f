"""The starter project a learner downloads, as a zip built in memory from the task's files."""

import io
import zipfile

# A fixed timestamp makes the archive's bytes depend on the files only (cacheable, comparable).
ZIP_TIMESTAMP = (2024, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16


def starter_zip(*, folder_name: str, files: dict[str, str]) -> bytes:
    """A zip of `files` under one top folder named after the task."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{folder_name}/{path}", date_time=ZIP_TIMESTAMP)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path].encode("utf-8"))
    return buffer.getvalue()
