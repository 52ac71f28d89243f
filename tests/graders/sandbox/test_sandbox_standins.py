import io
import tarfile
from pathlib import Path

import pytest

from graders.sandbox.labels import InvalidJobIdError, checked_job_id
from graders.sandbox.standins import (
    StandinError,
    apt_mirror,
    busybox_rootfs_tar,
    upstream_version,
)


def test_the_mirror_comes_from_a_deb822_sources_file(tmp_path: Path) -> None:
    # given
    (tmp_path / "debian.sources").write_text(
        "Types: deb\nURIs: http://security.example/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n\n"
        "Types: deb deb-src\nURIs: http://mirror.example/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main contrib\n"
    )
    (tmp_path / "other.list.disabled-by-farm").write_text("deb http://wrong/ bookworm main\n")

    # when
    mirror = apt_mirror("bookworm", sources_list=tmp_path / "none", sources_dir=tmp_path)

    # then
    assert mirror == "http://mirror.example/debian"


def test_the_mirror_comes_from_a_one_line_sources_list(tmp_path: Path) -> None:
    sources = tmp_path / "sources.list"
    sources.write_text(
        "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main\n"
    )

    assert apt_mirror("bookworm", sources_list=sources, sources_dir=tmp_path / "d") == (
        "http://m.example/debian"
    )


def test_no_mirror_for_the_suite_is_a_clear_error(tmp_path: Path) -> None:
    sources = tmp_path / "sources.list"
    sources.write_text("deb http://m.example/debian bullseye main\n")

    with pytest.raises(StandinError, match="bookworm"):
        apt_mirror("bookworm", sources_list=sources, sources_dir=tmp_path / "d")


def test_upstream_version_drops_epoch_and_debian_revision() -> None:
    assert upstream_version("1:1.35.0-4+deb12u1+b1") == "1.35.0"


@pytest.mark.parametrize("job_id", ["../../etc", "a/b", "", "x" * 65, "a b", "-flag"])
def test_job_ids_that_could_escape_a_path_or_a_name_are_refused(job_id: str) -> None:
    with pytest.raises(InvalidJobIdError):
        checked_job_id(job_id)


def test_busybox_rootfs_links_every_applet_to_the_binary() -> None:
    # busybox-static is one of the grader's packages (scripts/ensure-docker installs it).
    busybox = Path("/bin/busybox")
    with tarfile.open(fileobj=io.BytesIO(busybox_rootfs_tar(busybox))) as archive:
        wget = archive.getmember("usr/bin/wget")
        nsswitch = archive.extractfile("etc/nsswitch.conf")
        assert wget.issym()
        assert wget.linkname == "/bin/busybox"
        assert nsswitch is not None
        assert b"hosts: files dns" in nsswitch.read()
        assert archive.getmember("tmp").mode == 0o1777
