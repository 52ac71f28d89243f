"""Unpacking learner archives in memory: every limit and every unsafe member is refused with a
message the learner can act on. No Docker needed."""

import io
import stat
import tarfile
import zipfile

import pytest

from graders.archives import ArchiveRejectedError, unpack_archive
from graders.data import GradingLimits

LIMITS = GradingLimits()
MIB = 1024 * 1024
PROJECT = {"Dockerfile": b"FROM busybox:1.35\n", "app/main.py": b"print('hi')\n"}


def zip_of(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tar_gz_of(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for info, content in members:
            if info.isreg():
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
            else:
                archive.addfile(info)
    return buffer.getvalue()


def regular(name: str) -> tarfile.TarInfo:
    return tarfile.TarInfo(name)


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def rejected(file_name: str, content: bytes, limits: GradingLimits = LIMITS) -> str:
    with pytest.raises(ArchiveRejectedError) as caught:
        unpack_archive(file_name, content, limits)
    return str(caught.value)


def test_a_zip_unpacks_into_paths_and_bytes() -> None:
    assert unpack_archive("solution.zip", zip_of(PROJECT), LIMITS) == PROJECT


def test_a_tar_gz_unpacks_into_paths_and_bytes() -> None:
    members = [(regular(name), content) for name, content in PROJECT.items()]
    assert unpack_archive("solution.tgz", tar_gz_of(members), LIMITS) == PROJECT
    assert unpack_archive("solution.tar.gz", tar_gz_of(members), LIMITS) == PROJECT


def test_a_single_wrapping_folder_is_removed() -> None:
    wrapped = {f"my-project/{name}": content for name, content in PROJECT.items()}
    assert unpack_archive("solution.zip", zip_of(wrapped), LIMITS) == PROJECT


def test_an_upload_over_the_size_limit_is_refused_before_reading() -> None:
    limits = GradingLimits(max_upload_bytes=1000)
    message = rejected("solution.zip", b"PK\x03\x04" + b"x" * 2000, limits)
    assert "larger than" in message


def test_more_files_than_allowed_are_refused() -> None:
    files = {f"file{index}.txt": b"x" for index in range(11)}
    message = rejected("solution.zip", zip_of(files), GradingLimits(max_archive_files=10))
    assert "more than 10 files" in message


def test_more_unpacked_bytes_than_allowed_are_refused_by_the_declared_size() -> None:
    big = {"Dockerfile": b"FROM busybox:1.35\n", "data.bin": bytes(range(256)) * 8192}  # 2 MiB
    message = rejected(
        "solution.zip",
        zip_of(big, compression=zipfile.ZIP_STORED),
        GradingLimits(max_unpacked_bytes=1 * MIB),
    )
    assert "larger than 1 MiB" in message


def test_more_unpacked_bytes_than_allowed_are_refused_in_a_tar_gz() -> None:
    members = [(regular("data.bin"), bytes(range(256)) * 8192)]
    limits = GradingLimits(max_unpacked_bytes=1 * MIB)
    assert "larger than 1 MiB" in rejected("solution.tgz", tar_gz_of(members), limits)


def test_a_zip_bomb_is_refused_for_its_compression_ratio() -> None:
    bomb = {"Dockerfile": b"FROM busybox:1.35\n", "zeros.bin": bytes(8 * MIB)}
    message = rejected("bomb.zip", zip_of(bomb))
    assert "zip bomb" in message


def test_a_gzip_bomb_is_refused_while_reading_it() -> None:
    members = [(regular("zeros.bin"), bytes(8 * MIB))]
    assert "zip bomb" in rejected("bomb.tar.gz", tar_gz_of(members))


def test_a_zip_whose_member_lies_about_its_size_is_refused() -> None:
    # given a stored member whose declared size (in both headers) is smaller than its data
    honest = zip_of({"a.txt": b"A" * 100}, compression=zipfile.ZIP_STORED)
    crafted = honest.replace((100).to_bytes(4, "little"), (10).to_bytes(4, "little"))

    # then
    assert rejected("crafted.zip", crafted)


@pytest.mark.parametrize("name", ["/etc/passwd", "C:/Windows/evil.dll"])
def test_absolute_paths_are_refused(name: str) -> None:
    assert "absolute path" in rejected("solution.tgz", tar_gz_of([(regular(name), b"x")]))


def test_absolute_paths_are_refused_in_a_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("/etc/cron.d/evil"), b"x")
    assert "absolute path" in rejected("solution.zip", buffer.getvalue())


@pytest.mark.parametrize("name", ["../evil.sh", "app/../../evil.sh"])
def test_paths_climbing_out_with_dot_dot_are_refused(name: str) -> None:
    assert "`..`" in rejected("solution.zip", zip_of({name: b"x"}))
    assert "`..`" in rejected("solution.tgz", tar_gz_of([(regular(name), b"x")]))


def test_a_symlink_pointing_outside_is_refused() -> None:
    members = [(special("config", tarfile.SYMTYPE, "/etc/passwd"), b"")]
    message = rejected("solution.tgz", tar_gz_of(members))
    assert "link pointing outside your project" in message


def test_a_symlink_inside_the_project_is_refused_too() -> None:
    members = [(regular("a.txt"), b"x"), (special("b.txt", tarfile.SYMTYPE, "a.txt"), b"")]
    assert "may not contain links" in rejected("solution.tgz", tar_gz_of(members))


def test_a_hardlink_is_refused() -> None:
    members = [(special("passwd", tarfile.LNKTYPE, "../../etc/passwd"), b"")]
    assert "link pointing outside" in rejected("solution.tgz", tar_gz_of(members))


def test_a_symlink_in_a_zip_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("config")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    assert "link pointing outside" in rejected("solution.zip", buffer.getvalue())


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_devices_and_fifos_are_refused(kind: bytes) -> None:
    members = [(special("dev/thing", kind), b"")]
    assert "not a regular file" in rejected("solution.tgz", tar_gz_of(members))


def test_an_unknown_extension_is_refused() -> None:
    assert ".zip, .tar.gz or .tgz" in rejected("solution.rar", b"Rar!")


def test_content_that_does_not_match_the_name_is_refused() -> None:
    assert "is not one" in rejected("solution.zip", b"\x1f\x8b not a zip")


def test_a_damaged_archive_is_refused() -> None:
    assert "could not be read" in rejected("solution.tgz", b"\x1f\x8b\x08\x00garbage")


def test_an_empty_archive_is_refused() -> None:
    assert "no files" in rejected("solution.zip", zip_of({}))


def test_an_encrypted_member_is_refused() -> None:
    honest = bytearray(zip_of({"a.txt": b"secret"}))
    # Set the "encrypted" general-purpose flag in the local and central headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = honest.index(signature) + offset
        honest[at] |= 0x1
    assert "encrypted" in rejected("solution.zip", bytes(honest))
