"""How the build's disk watchdog counts a writable layer: what committing it would cost."""

import os
from pathlib import Path

from graders.sandbox.diskwatch import directory_bytes

MIB = 1024 * 1024


def test_a_sparse_file_counts_at_its_length(tmp_path: Path) -> None:
    # given: a file that allocates nothing but would be copied in full into a layer
    with (tmp_path / "sparse").open("wb") as sparse:
        sparse.truncate(50 * 1024 * MIB)

    assert directory_bytes(tmp_path) >= 50 * 1024 * MIB


def test_files_in_subfolders_count_and_hard_links_count_once(tmp_path: Path) -> None:
    # given
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "data").write_bytes(os.urandom(2 * MIB))
    os.link(tmp_path / "a" / "b" / "data", tmp_path / "again")
    (tmp_path / "link").symlink_to("/etc/passwd")

    # when
    counted = directory_bytes(tmp_path)

    # then: 2 MiB of data (once), a symlink and two folders of a few KiB at most
    assert 2 * MIB <= counted < 2 * MIB + 64 * 1024


def test_a_missing_folder_counts_nothing(tmp_path: Path) -> None:
    assert directory_bytes(tmp_path / "gone") == 0
