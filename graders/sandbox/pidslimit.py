"""Did a running check container hit its process limit? (A fork bomb in CMD, told as such.)

A fork refused by the pids controller is counted (cgroup v1 `pids.events`, `max N`) in the
cgroup of the forking task: the container's own cgroup, found through its init process in
`/proc` when the engine runs on this host (as the grading worker's own engine does). Where it
cannot be read (an engine on another host), the engine's one-shot stats tell whether the
container is at its limit right now.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

import docker
import requests
from docker.models.containers import Container

from graders.sandbox.cgroups import peak_pids

logger = logging.getLogger(__name__)

PROC = Path("/proc")
CGROUP_V1_PIDS = Path("/sys/fs/cgroup/pids")


@dataclass(frozen=True)
class ProcessLimit:
    limit: int
    # Forks the kernel refused so far; None when only the current count could be read.
    refused: int | None
    at_limit: bool

    @property
    def hit(self) -> bool:
        return self.at_limit or bool(self.refused)

    def describe(self) -> str:
        refused = f"{self.refused} forks refused" if self.refused else "forks refused"
        return f"It reached its limit of {self.limit} processes ({refused}; a fork bomb?)."


def process_limit(container: Container) -> ProcessLimit | None:
    """The container's process-limit state, or None if it has no limit or it cannot be told.

    While it runs: the forks refused in its cgroup, or its current count. Once it stopped: the
    high-water mark of the cgroup parent a service gets of its own (`start_service`), which
    outlives it (a fork bomb can make the app's shell exit for want of a process).
    """
    try:
        container.reload()
    except (docker.errors.APIError, requests.RequestException):
        return None
    state = container.attrs.get("State") or {}
    host_config = container.attrs.get("HostConfig") or {}
    limit = int(host_config.get("PidsLimit") or 0)
    if limit <= 0:
        return None
    if not state.get("Running"):
        peak = (
            peak_pids(str(host_config.get("CgroupParent") or ""))
            if host_config.get("CgroupParent")
            else None
        )
        if peak is None:
            return None
        return ProcessLimit(limit=limit, refused=None, at_limit=peak >= limit)
    refused = _refused_forks(int(state.get("Pid") or 0))
    current = _current_pids(container)
    at_limit = current is not None and current >= limit
    if refused is None and current is None:
        return None
    return ProcessLimit(limit=limit, refused=refused, at_limit=at_limit)


def _refused_forks(pid: int) -> int | None:
    if pid <= 0:
        return None
    try:
        lines = (PROC / str(pid) / "cgroup").read_text().splitlines()
    except OSError:
        return None  # the engine is on another host (or the process just ended)
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):
            return _max_events(CGROUP_V1_PIDS / path.lstrip("/") / "pids.events")
    return None


def _max_events(path: Path) -> int | None:
    try:
        text = path.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "max" and value.strip().isdigit():
            return int(value)
    return None


def _current_pids(container: Container) -> int | None:
    try:
        stats = container.stats(stream=False, one_shot=True)
    except (docker.errors.APIError, requests.RequestException) as error:
        logger.info("stats of %s unavailable: %s", container.short_id, error)
        return None
    if not isinstance(stats, dict):
        return None
    current = (stats.get("pids_stats") or {}).get("current")
    return int(current) if isinstance(current, int) else None
