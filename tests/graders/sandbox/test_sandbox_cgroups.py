from pathlib import Path

import pytest

from graders.sandbox.cgroups import CgroupUnavailableError, PidsCgroup, pids_limited_cgroup


def test_a_host_without_a_v1_pids_controller_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CgroupUnavailableError, match="no cgroup v1 pids controller"):
        pids_limited_cgroup("job-1", 10, root=tmp_path).__enter__()


def test_cgroup_v2_is_named_as_unsupported(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpu memory pids\n")

    with pytest.raises(CgroupUnavailableError, match="cgroup v2"):
        pids_limited_cgroup("job-1", 10, root=tmp_path).__enter__()


def test_refused_forks_are_counted_in_the_containers_below_the_job(tmp_path: Path) -> None:
    # given: the kernel counts a refused fork in the forking task's cgroup (v1)
    (tmp_path / "pids.events").write_text("max 0\n")
    (tmp_path / "abc123").mkdir()
    (tmp_path / "abc123" / "pids.events").write_text("max 42\n")

    # when
    hits = PidsCgroup(parent="/quayside-build/job-1", directory=tmp_path).limit_hits()

    # then
    assert hits == 42


@pytest.mark.parametrize(("peak", "reached"), [("256", True), ("255", False)])
def test_the_limit_is_reached_when_the_high_water_mark_meets_it(
    tmp_path: Path, peak: str, reached: bool
) -> None:
    # given: what the kernel keeps on the job's cgroup after its containers are gone
    (tmp_path / "pids.max").write_text("256\n")
    (tmp_path / "pids.peak").write_text(f"{peak}\n")

    # when
    cgroup = PidsCgroup(parent="/quayside-build/job-1", directory=tmp_path)

    # then
    assert cgroup.limit_reached() is reached


def test_without_a_high_water_mark_the_limit_is_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "pids.max").write_text("256\n")

    assert PidsCgroup(parent="/quayside-build/job-1", directory=tmp_path).limit_reached() is False
