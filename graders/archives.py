"""Unpack a learner's .zip / .tar.gz / .tgz submission into memory (path -> bytes), safely.

Nothing is written to disk. Refused, with a message the learner can act on: uploads over the
size limit, absolute paths, `..`, links of any kind (a course project never needs one, and a
link is the classic way out of an extraction directory), devices, FIFOs, encrypted members,
too many files, too many unpacked bytes, and compression ratios only a zip bomb reaches. Sizes
are checked twice: as the archive declares them (before reading) and as actually read (a
crafted header can lie).
"""

import gzip
import io
import posixpath
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from graders.data import GradingLimits

ZIP_SUFFIXES = (".zip",)
TAR_GZ_SUFFIXES = (".tar.gz", ".tgz")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"
READ_CHUNK_BYTES = 64 * 1024
# Below this many unpacked bytes the unpacked-size limit alone bounds the cost: a small file of
# repeated lines compresses 100x honestly, and refusing it would only confuse the learner.
RATIO_FLOOR_BYTES = 1024 * 1024
# Tar framing read from the gzip stream besides file contents: a 512-byte header (plus a
# possible long-name header) per member, padding, and the end-of-archive blocks.
TAR_FRAMING_BYTES_PER_MEMBER = 3 * tarfile.BLOCKSIZE
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_ZIP_ENCRYPTED_FLAG = 0x1


class ArchiveRejectedError(ValueError):
    """The archive is refused; the message is shown to the learner."""


@dataclass
class _Budget:
    """Running totals of one extraction, checked against the job's limits."""

    limits: GradingLimits
    upload_bytes: int
    files: dict[str, bytes] = field(default_factory=dict)
    unpacked_bytes: int = 0

    def expect_file(self, path: str, declared_size: int) -> None:
        if path in self.files:
            raise ArchiveRejectedError(f"`{path}` appears twice in the archive.")
        if len(self.files) + 1 > self.limits.max_archive_files:
            raise ArchiveRejectedError(
                f"The archive holds more than {self.limits.max_archive_files} files. Submit only "
                "your project (leave out dependency folders such as node_modules or .venv)."
            )
        if self.unpacked_bytes + declared_size > self.limits.max_unpacked_bytes:
            self.refuse_too_big()

    def count(self, size: int) -> None:
        self.unpacked_bytes += size
        if self.unpacked_bytes > self.limits.max_unpacked_bytes:
            self.refuse_too_big()
        self.check_ratio(self.unpacked_bytes)

    def check_ratio(self, unpacked: int) -> None:
        if unpacked < RATIO_FLOOR_BYTES:
            return
        ratio = unpacked / max(self.upload_bytes, 1)
        if ratio > self.limits.max_compression_ratio:
            raise ArchiveRejectedError(
                f"The archive inflates more than {self.limits.max_compression_ratio:g} times its "
                "size, which only crafted archives (zip bombs) do. It was not unpacked."
            )

    def refuse_too_big(self) -> None:
        limit_mib = self.limits.max_unpacked_bytes / (1024 * 1024)
        raise ArchiveRejectedError(
            f"Unpacked, the archive is larger than {limit_mib:g} MiB. Submit only your project's "
            "source files."
        )


def unpack_archive(file_name: str, content: bytes, limits: GradingLimits) -> dict[str, bytes]:
    """Return the archive's regular files by relative path, or raise ArchiveRejectedError.

    A single top-level folder wrapping everything (`project/Dockerfile`, as zipping a folder
    makes) is removed, so `Dockerfile` ends up at the root of the build context.
    """
    if len(content) > limits.max_upload_bytes:
        limit_mib = limits.max_upload_bytes / (1024 * 1024)
        raise ArchiveRejectedError(f"The upload is larger than {limit_mib:g} MiB.")
    budget = _Budget(limits=limits, upload_bytes=len(content))
    lowered = file_name.lower()
    try:
        if lowered.endswith(ZIP_SUFFIXES):
            _require_magic(content, ZIP_MAGIC, "a zip archive")
            _unpack_zip(content, budget)
        elif lowered.endswith(TAR_GZ_SUFFIXES):
            _require_magic(content, (GZIP_MAGIC,), "a gzip-compressed tar archive")
            _unpack_tar_gz(content, budget)
        else:
            raise ArchiveRejectedError(
                f"`{file_name}` is not a .zip, .tar.gz or .tgz archive; upload one of those."
            )
    except (zipfile.BadZipFile, tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError) as error:
        raise ArchiveRejectedError(
            f"`{file_name}` could not be read as an archive ({error}); it may be damaged."
        ) from error
    if not budget.files:
        raise ArchiveRejectedError("The archive contains no files.")
    return _without_wrapping_folder(budget.files)


def _require_magic(content: bytes, magics: tuple[bytes, ...], kind: str) -> None:
    if not content.startswith(magics):
        raise ArchiveRejectedError(f"The upload's name says {kind}, but its content is not one.")


def member_path(name: str) -> str:
    """The cleaned relative path of an archive member, or ArchiveRejectedError if unsafe."""
    if not name or "\x00" in name or "\\" in name:
        raise ArchiveRejectedError(f"The archive member name {name!r} is not a valid path.")
    if name.startswith("/") or _WINDOWS_DRIVE.match(name):
        raise ArchiveRejectedError(
            f"`{name}` is an absolute path; archives must only hold paths relative to your "
            "project folder."
        )
    if ".." in name.split("/"):
        raise ArchiveRejectedError(
            f"`{name}` climbs out of the project folder with `..`; such archives are refused."
        )
    cleaned = posixpath.normpath(name)
    if cleaned == ".":
        raise ArchiveRejectedError(f"The archive member name {name!r} is not a valid path.")
    return cleaned


def _link_refused(path: str, target: str) -> ArchiveRejectedError:
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    where = (
        "outside your project"
        if target.startswith("/") or resolved == ".." or resolved.startswith("../")
        else f"to `{target}`"
    )
    return ArchiveRejectedError(
        f"`{path}` is a link pointing {where}. Archives may not contain links; include the "
        "file itself instead."
    )


def _unpack_zip(content: bytes, budget: _Budget) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        for info in archive.infolist():
            member_path(info.filename)  # refuse bad names early, directories included
        declared = sum(info.file_size for info in infos)
        budget.check_ratio(declared)
        for info in infos:
            path = member_path(info.filename)
            _check_zip_member(archive, info, path)
            budget.expect_file(path, info.file_size)
            with archive.open(info) as stream:
                budget.files[path] = _read_counted(stream, budget, path, info.file_size)


def _check_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> None:
    if info.flag_bits & _ZIP_ENCRYPTED_FLAG:
        raise ArchiveRejectedError(f"`{path}` is encrypted; submit an archive without a password.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        target = archive.read(info)[:1024].decode("utf-8", "replace")
        raise _link_refused(path, target)
    # Zip tools that record no file type (Python's writestr, Windows) leave S_IFMT at zero.
    if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        raise ArchiveRejectedError(
            f"`{path}` is not a regular file (a device, FIFO or socket); such archives are refused."
        )


def _unpack_tar_gz(content: bytes, budget: _Budget) -> None:
    framing = TAR_FRAMING_BYTES_PER_MEMBER * (budget.limits.max_archive_files + 2)
    raw = gzip.GzipFile(fileobj=io.BytesIO(content), mode="rb")
    stream = _CountingReader(raw, budget, budget.limits.max_unpacked_bytes + framing)
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in _tar_members(archive):
            path = member_path(member.name)
            if member.issym() or member.islnk():
                raise _link_refused(path, member.linkname)
            if member.isdir():
                continue
            if not member.isreg():
                raise ArchiveRejectedError(
                    f"`{path}` is not a regular file (a device, FIFO or special entry); such "
                    "archives are refused."
                )
            budget.expect_file(path, member.size)
            extracted = archive.extractfile(member)
            if extracted is None:
                raise ArchiveRejectedError(f"`{path}` could not be read from the archive.")
            budget.files[path] = _read_counted(extracted, budget, path, member.size)


def _tar_members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    while True:
        member = archive.next()
        if member is None:
            return
        yield member


class _CountingReader(io.RawIOBase):
    """A read-only stream that refuses to hand out more than `cap` decompressed bytes and keeps
    checking the compression ratio while the tar reader pulls data through it."""

    def __init__(self, inner: gzip.GzipFile, budget: _Budget, cap: int) -> None:
        super().__init__()
        self._inner = inner
        self._budget = budget
        self._cap = cap
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview | bytearray") -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self.read_bytes += len(data)
        if self.read_bytes > self._cap:
            self._budget.refuse_too_big()
        self._budget.check_ratio(self.read_bytes)
        buffer[: len(data)] = data
        return len(data)


def _read_counted(stream: IO[bytes], budget: _Budget, path: str, declared: int) -> bytes:
    chunks: list[bytes] = []
    read = 0
    while chunk := stream.read(READ_CHUNK_BYTES):
        read += len(chunk)
        if read > declared:
            raise ArchiveRejectedError(
                f"`{path}` holds more data than the archive declares; the archive was crafted "
                "or damaged and was not unpacked."
            )
        budget.count(len(chunk))
        chunks.append(chunk)
    return b"".join(chunks)


def _without_wrapping_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) != 1 or any("/" not in path for path in files):
        return files
    prefix = f"{tops.pop()}/"
    return {path.removeprefix(prefix): content for path, content in files.items()}
