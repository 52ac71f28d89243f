"""Bound what a build writes to disk while it runs: a watchdog over its steps' writable layers.

The classic builder has no disk limit, and overlay2 size quotas need a data root on XFS with
project quotas, which a grading host's kernel may lack. So the build is watched instead: the
running step container's writable layer (overlay2's upper directory, read on this host, where
the grading worker's own engine runs; or the engine's `SizeRw` when it is elsewhere) is measured
while the step runs, and the layers of the steps before it are counted as they were when they
ended. Past the limit the step container is killed at once (a `dd` keeps writing while a build
is being cancelled) and the build is stopped.

A file counts at the larger of its allocated blocks and its length: a sparse file costs nothing
in the step but its full length when the step is committed (layers are copied as tar streams).
Hard links count once. Samples come faster as the writes approach the limit, so the overshoot
is a fraction of a second of writing.
"""

import logging
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

import docker
import requests

logger = logging.getLogger(__name__)

# Longest pause between two samples; far below the limit there is no hurry.
MAX_SAMPLE_SECONDS = 0.5
# Shortest pause: a directory walk is not free, and a kill takes a moment anyway.
MIN_SAMPLE_SECONDS = 0.02
# While a step's writing rate is not known yet (its first samples), look this often.
NEW_STEP_SAMPLE_SECONDS = 0.05
# A walk of a step's writable layer stops counting after this long (millions of tiny files cost
# inodes, not bytes); what it counted so far stands.
MAX_WALK_SECONDS = 1.0
BLOCK_BYTES = 512


@dataclass
class DiskWatch:
    """Measures one build's writes; `sample()` from the build's watch loop."""

    client: docker.DockerClient
    limit_bytes: int
    committed_bytes: int = 0
    current_bytes: int = 0
    peak_bytes: int = 0
    _current: str | None = None
    _upper: Path | None = None
    _last: tuple[float, int] = (0.0, 0)
    _rate: float | None = None  # bytes per second, once two samples of a step were taken
    _seen: set[str] = field(default_factory=set)

    def sample(self, step_containers: list[str]) -> int:
        """Bytes the build has written so far (finished steps plus the running one)."""
        latest = step_containers[-1] if step_containers else None
        if latest is not None and latest != self._current and latest not in self._seen:
            self._seen.add(latest)
            self.committed_bytes += self.current_bytes
            self._current, self.current_bytes = latest, 0
            self._upper = self._upper_dir(latest)
            self._rate, self._last = None, (0.0, 0)
        if self._current is not None:
            self.current_bytes = max(self.current_bytes, self._measure(self._current))
        total = self.committed_bytes + self.current_bytes
        now = time.monotonic()
        last_time, last_total = self._last
        if last_time and now > last_time:
            self._rate = max(0.0, (total - last_total) / (now - last_time))
        self._last = (now, total)
        self.peak_bytes = max(self.peak_bytes, total)
        return total

    @property
    def exceeded(self) -> bool:
        return self.peak_bytes > self.limit_bytes

    def next_sample_in(self) -> float:
        """Seconds until the next sample: sooner while writes approach the limit quickly."""
        if self._rate is None:
            return NEW_STEP_SAMPLE_SECONDS if self._current is not None else MAX_SAMPLE_SECONDS
        if self._rate <= 0:
            return MAX_SAMPLE_SECONDS
        left = max(0, self.limit_bytes - self.peak_bytes)
        return min(MAX_SAMPLE_SECONDS, max(MIN_SAMPLE_SECONDS, left / self._rate / 2))

    def stop_running_step(self) -> None:
        """Kill the step that is writing (the build is cancelled right after)."""
        if self._current is None:
            return
        try:
            self.client.api.kill(self._current)
        except (docker.errors.APIError, requests.RequestException) as error:
            logger.info("kill of build step %s: %s", self._current, error)

    def _upper_dir(self, container_id: str) -> Path | None:
        try:
            details = self.client.api.inspect_container(container_id)
        except (docker.errors.APIError, requests.RequestException):
            return None
        upper = ((details.get("GraphDriver") or {}).get("Data") or {}).get("UpperDir")
        path = Path(upper) if upper else None
        return path if path is not None and path.is_dir() else None

    def _measure(self, container_id: str) -> int:
        if self._upper is not None:
            if self._upper.is_dir():
                return directory_bytes(self._upper)
            return self.current_bytes  # the step ended and its layer went with it
        try:  # the engine is on another host: ask it (slower, the daemon walks the layer)
            listed = self.client.api.containers(all=True, size=True, filters={"id": container_id})
        except (docker.errors.APIError, requests.RequestException):
            return self.current_bytes
        return max([int(summary.get("SizeRw") or 0) for summary in listed] or [self.current_bytes])


def directory_bytes(root: Path, *, max_seconds: float = MAX_WALK_SECONDS) -> int:
    """Disk a directory tree will cost: each file at max(allocated, length), links once."""
    deadline = time.monotonic() + max_seconds
    total = 0
    seen: set[tuple[int, int]] = set()
    pending = [str(root)]
    while pending and time.monotonic() < deadline:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue  # removed while we looked
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                pending.append(entry.path)
                continue
            key = (info.st_dev, info.st_ino)
            if info.st_nlink > 1:
                if key in seen:
                    continue
                seen.add(key)
            total += max(info.st_blocks * BLOCK_BYTES, info.st_size)
    return total
