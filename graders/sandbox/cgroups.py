"""A per-job cgroup with a process limit, to hand to the classic builder as `cgroup_parent`.

The Engine API's `/build` has no pids limit, but build-step containers are created under the
`cgroupparent` it is given; a `pids.max` on that parent stops a fork bomb in `RUN`. Only cgroup v1
(the pids controller mounted at /sys/fs/cgroup/pids, as on our grading machines) is supported.
"""

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graders.sandbox.labels import checked_job_id

logger = logging.getLogger(__name__)

CGROUP_V1_ROOT = Path("/sys/fs/cgroup")
PIDS_HIERARCHY = "pids"
# Parent of all per-job build cgroups, so leftovers are easy to find and never mixed with others.
BUILD_CGROUP_NAME = "quayside-build"
# Parent of the cgroups of a job's long-running check containers (its app), one per service:
# their process high-water mark outlives the container, so a fork bomb that made the app exit is
# still told as one.
RUN_CGROUP_NAME = "quayside-run"
# Docker removes a build container's cgroup shortly after the container; retry rmdir for a moment.
RMDIR_ATTEMPTS = 20
RMDIR_PAUSE_SECONDS = 0.1


class CgroupUnavailableError(RuntimeError):
    """The host cannot give builds a process limit; building untrusted code would be unsafe."""


@dataclass(frozen=True)
class PidsCgroup:
    """A job's build cgroup: `parent` is what Docker gets, `directory` the pids controller dir."""

    parent: str
    directory: Path

    def limit_hits(self) -> int:
        """How many forks failed in the job's cgroup and its containers' cgroups so far.

        On cgroup v1 the kernel counts a refused fork in the cgroup of the forking task (the build
        container's, below ours), so the children are read too; they vanish with the containers,
        so callers sample this while the build runs.
        """
        events = [self.directory / "pids.events", *self.directory.glob("*/pids.events")]
        return sum(_max_events(path) for path in events)

    def limit_reached(self) -> bool:
        """True if the job's processes ever numbered `pids.max` (so a fork was refused).

        Race-free where the kernel keeps `pids.peak` (Linux 6.1+): the high-water mark of the
        whole subtree stays on the job's cgroup after the step containers (and the per-container
        fork-failure counters) are gone, however quickly a fork bomb's step ended. Elsewhere,
        False (callers also sample `limit_hits` while the build runs).
        """
        try:
            peak = int((self.directory / "pids.peak").read_text().strip())
            limit = (self.directory / "pids.max").read_text().strip()
        except (OSError, ValueError):
            return False
        return limit.isdigit() and peak >= int(limit)


def _max_events(path: Path) -> int:
    try:
        text = path.read_text()
    except OSError:
        return 0  # the container (and its cgroup) just went away
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "max" and value.strip().isdigit():
            return int(value)
    return 0


def _pids_root(root: Path) -> Path:
    pids_root = root / PIDS_HIERARCHY
    if not (pids_root / "cgroup.procs").is_file():
        if (root / "cgroup.controllers").is_file():
            raise CgroupUnavailableError(
                f"{root} is cgroup v2; the build sandbox only supports cgroup v1 (no pids limit)"
            )
        raise CgroupUnavailableError(f"no cgroup v1 pids controller mounted at {pids_root}")
    return pids_root


def _make_job_directory(pids_root: Path, job_id: str, pids_max: int) -> Path:
    directory = pids_root / BUILD_CGROUP_NAME / job_id
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "pids.max").write_text(f"{pids_max}\n")
    except OSError as error:
        raise CgroupUnavailableError(
            f"cannot create {directory} with pids.max={pids_max} ({error}); "
            "the grader needs root and a writable cgroup v1 pids hierarchy"
        ) from error
    return directory


def remove_job_cgroups(job_id: str, *, root: Path = CGROUP_V1_ROOT) -> list[Path]:
    """Remove the job's build and service cgroups from every v1 hierarchy Docker created them in.

    Returns the directories that could not be removed (still busy); the janitor retries later.
    """
    left: list[Path] = []
    job = checked_job_id(job_id)
    for directory in sorted(root.glob(f"*/{RUN_CGROUP_NAME}/{job}/*")):
        if directory.is_dir() and not _rmdir_with_retries(directory):
            left.append(directory)
    for parent in (BUILD_CGROUP_NAME, RUN_CGROUP_NAME):
        for directory in sorted(root.glob(f"*/{parent}/{job}")):
            if not _rmdir_with_retries(directory):
                left.append(directory)
    return left


def service_cgroup_parent(job_id: str, name: str) -> str:
    """The cgroup parent to give a job's service container `name` (Docker creates it)."""
    return f"/{RUN_CGROUP_NAME}/{checked_job_id(job_id)}/{name}"


def peak_pids(cgroup_parent: str, *, root: Path = CGROUP_V1_ROOT) -> int | None:
    """The most processes ever counted under `cgroup_parent`, or None where it cannot be read
    (no such cgroup on this host, or a kernel without `pids.peak`)."""
    path = root / PIDS_HIERARCHY / cgroup_parent.strip("/") / "pids.peak"
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _rmdir_with_retries(directory: Path) -> bool:
    for _ in range(RMDIR_ATTEMPTS):
        # Container cgroups Docker has not cleaned up yet (empty ones) sit below the job's.
        for child in sorted(directory.iterdir()):
            if child.is_dir():
                with contextlib.suppress(OSError):
                    child.rmdir()
        try:
            directory.rmdir()
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(RMDIR_PAUSE_SECONDS)
        else:
            return True
    logger.warning("build cgroup %s still busy; leaving it for the janitor", directory)
    return False


def stale_job_ids(*, root: Path = CGROUP_V1_ROOT) -> set[str]:
    """Job ids that still have a build or service cgroup under any hierarchy."""
    return {
        path.name
        for parent in (BUILD_CGROUP_NAME, RUN_CGROUP_NAME)
        for path in root.glob(f"*/{parent}/*")
        if path.is_dir()
    }


@contextlib.contextmanager
def pids_limited_cgroup(
    job_id: str, pids_max: int, *, root: Path = CGROUP_V1_ROOT
) -> Iterator[PidsCgroup]:
    """Create `/quayside-build/<job_id>` with `pids.max`, yield it, and remove it afterwards.

    Raises `CgroupUnavailableError` when cgroups are missing or not writable, before anything runs.
    """
    checked_job_id(job_id)
    directory = _make_job_directory(_pids_root(root), job_id, pids_max)
    try:
        yield PidsCgroup(parent=f"/{BUILD_CGROUP_NAME}/{job_id}", directory=directory)
    finally:
        remove_job_cgroups(job_id, root=root)
