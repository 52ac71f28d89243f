"""Build a learner's Dockerfile safely: the build runs learner code too.

Before building: the context tar is made here from the submitted files (`.dockerignore` applied,
size-checked) and the Dockerfile is screened for anything the daemon itself would fetch (remote
`ADD`, base images outside the allow-list). The build then runs with no network, no pulls, memory,
CPU, process and disk limits, a wall-clock deadline and a capped log.
"""

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

import docker

from graders.sandbox.buildleftovers import (
    CANCEL_GRACE_SECONDS,
    remove_build_containers,
    remove_build_images,
)
from graders.sandbox.buildstream import BuildProgress, BuildStream
from graders.sandbox.cgroups import CGROUP_V1_ROOT, PidsCgroup, pids_limited_cgroup
from graders.sandbox.context import ContextRejectedError, build_context
from graders.sandbox.diskwatch import DiskWatch
from graders.sandbox.labels import checked_job_id, job_labels
from graders.sandbox.prescreen import Rejection, screen_dockerfile

logger = logging.getLogger(__name__)

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
# Images built for a job are tagged `quayside-job:<job id>` so `docker images` shows whose they are.
BUILT_IMAGE_REPOSITORY = "quayside-job"
# How often the build is checked for a fork bomb while it runs.
POLL_SECONDS = 0.25
# A fork bomb makes thousands of forks fail per second; an honest build hits the limit rarely if at
# all. Past this many failed forks the build is stopped at once instead of at the deadline.
FORK_FAILURES_BEFORE_ABORT = 50
# The classic builder reports a RUN killed by SIGKILL (the OOM killer) as exit code 137.
_KILLED_EXIT = re.compile(r"returned a non-zero code: 137\b")
CPU_PERIOD_MICROSECONDS = 100_000

Screen = Callable[[str, frozenset[str]], Rejection | None]


class BuildStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"
    REJECTED = "rejected"


@dataclass(frozen=True)
class BuildLimits:
    """Resource limits of one learner build; defaults suit the course's small exercises."""

    # Course exercises are a Dockerfile and a small app; bigger contexts are stray node_modules.
    max_context_bytes: int = 10 * MIB
    # Enough for apt-less Python/Node installs from the context; no swap (memswap = memory).
    memory_bytes: int = 512 * MIB
    # Half the default weight (1024): builds yield to the web app when the CPU is contended.
    cpu_shares: int = 512
    # A hard cap too, so one build never takes a whole 2-core grading machine.
    cpus: float = 1.0
    # Package installs and compilers spawn tens of processes; a fork bomb hits 256 at once.
    pids: int = 256
    nofile: int = 1024
    # PrairieLearn's default check time is 30 s; builds do more, but 2 minutes is plenty here.
    wall_clock_seconds: float = 120.0
    # What a learner needs to see is the first and the last few screens of output.
    log_cap_bytes: int = 64 * KIB
    # The image built; an image over this is refused after the build.
    max_image_bytes: int = 1 * GIB
    # What the build may write while it runs (its steps' layers): a `RUN dd` past it is stopped
    # at once (`diskwatch`), before it can fill the engine's disk. Above the image limit, so an
    # image just under that still builds.
    max_disk_bytes: int = 2 * GIB


@dataclass(frozen=True)
class BuildOutcome:
    status: BuildStatus
    reason: str
    image_id: str | None
    size_bytes: int | None
    log_excerpt: str
    log_truncated: bool
    seconds: float
    # Short ids of every image the build's steps committed or took from the layer cache, and the
    # last one of each stage (the final stage's is `image_id`), read from the whole build stream.
    step_image_ids: tuple[str, ...] = ()
    stage_image_ids: tuple[str, ...] = ()


def build_image(
    client: docker.DockerClient,
    *,
    job_id: str,
    files: Mapping[str, bytes],
    allowed_bases: frozenset[str],
    limits: BuildLimits | None = None,
    dockerfile: str = "Dockerfile",
    screen: Screen = screen_dockerfile,
    cgroup_root: Path = CGROUP_V1_ROOT,
    layer_cache: bool = False,
) -> BuildOutcome:
    """Build `files` (path -> content) for `job_id` and return what happened; never raises for
    learner mistakes.

    The image is labelled with the job id and tagged `quayside-job:<job id>`; removing it is the
    caller's job (`job_scope`). On anything but OK, the images of intermediate steps are removed.
    `layer_cache`: reuse the engine's layers for identical steps (see `buildcache` for why that is
    safe and how it stays bounded); off, every step is built afresh.
    Raises `CgroupUnavailableError` if builds cannot get a process limit, and Docker or connection
    errors when the engine fails (infrastructure: the submission is "not gradable", not failed).
    """
    limits = limits or BuildLimits()
    checked_job_id(job_id)
    started = time.monotonic()
    started_at = time.time()
    try:
        context = build_context(files, dockerfile=dockerfile, max_bytes=limits.max_context_bytes)
    except ContextRejectedError as rejected:
        return _rejected(str(rejected), started)
    try:
        text = context.dockerfile.decode("utf-8")
    except UnicodeDecodeError:
        return _rejected(f"{dockerfile} is not UTF-8 text", started)
    rejection = screen(text, allowed_bases)
    if rejection is not None:
        return _rejected(f"line {rejection.line}: {rejection.reason}", started)
    with pids_limited_cgroup(job_id, limits.pids, root=cgroup_root) as cgroup:
        stream = BuildStream(
            client,
            params=_build_params(job_id, dockerfile, limits, cgroup, layer_cache=layer_cache),
            context_tar=context.tar,
            log_cap_bytes=limits.log_cap_bytes,
        )
        stream.start()
        disk = DiskWatch(client, limits.max_disk_bytes)
        watch = _watch(stream, cgroup, disk, started + limits.wall_clock_seconds)
        remove_build_containers(
            client, cgroup.parent, since=started_at, settle=watch.stopped_for is not None
        )
        # Read before the cgroup goes: a fork bomb whose step ended between two samples of
        # the watch still left its high-water mark here.
        watch = replace(watch, limit_reached=cgroup.limit_reached())
    return _outcome(client, stream.progress, limits, watch, _Start(started, started_at, job_id))


def _build_params(
    job_id: str, dockerfile: str, limits: BuildLimits, cgroup: PidsCgroup, *, layer_cache: bool
) -> dict[str, str]:
    return {
        "t": f"{BUILT_IMAGE_REPOSITORY}:{job_id}",
        "dockerfile": dockerfile,
        "q": "0",
        "nocache": "0" if layer_cache else "1",
        "rm": "1",
        "forcerm": "1",
        "pull": "0",
        "networkmode": "none",
        "labels": json.dumps(job_labels(job_id)),
        "cgroupparent": cgroup.parent,
        "memory": str(limits.memory_bytes),
        "memswap": str(limits.memory_bytes),
        "cpushares": str(limits.cpu_shares),
        "cpuperiod": str(CPU_PERIOD_MICROSECONDS),
        "cpuquota": str(int(CPU_PERIOD_MICROSECONDS * limits.cpus)),
        "ulimits": json.dumps([{"Name": "nofile", "Soft": limits.nofile, "Hard": limits.nofile}]),
    }


@dataclass(frozen=True)
class _Start:
    monotonic: float  # for durations
    wall_clock: float  # to compare with the daemon's image creation times
    job_id: str


@dataclass(frozen=True)
class _Watch:
    stopped_for: str | None  # "pids", "deadline" or None when the build ended by itself
    forks_refused: int
    # The build's processes reached the process limit at some point (a fork was refused).
    limit_reached: bool = False
    # The most the build had written to disk when last measured.
    disk_bytes: int = 0


def _watch(stream: BuildStream, cgroup: PidsCgroup, disk: DiskWatch, deadline: float) -> _Watch:
    """Wait for the build; cancel it at the deadline, on a fork bomb or past the disk limit."""
    stopped_for: str | None = None
    forks_refused = 0
    pause = POLL_SECONDS
    while not stream.join(pause):
        forks_refused = max(forks_refused, cgroup.limit_hits())
        disk.sample(stream.progress.step_containers)
        if forks_refused >= FORK_FAILURES_BEFORE_ABORT:
            stopped_for = "pids"
        elif disk.exceeded:
            stopped_for = "disk"
            disk.stop_running_step()
        elif time.monotonic() >= deadline:
            stopped_for = "deadline"
        if stopped_for is not None:
            stream.cancel()
            if not stream.join(CANCEL_GRACE_SECONDS):
                logger.error("build stream still open %ss after cancel", CANCEL_GRACE_SECONDS)
            break
        pause = min(POLL_SECONDS, disk.next_sample_in())
    return _Watch(stopped_for, max(forks_refused, cgroup.limit_hits()), disk_bytes=disk.peak_bytes)


def _outcome(
    client: docker.DockerClient,
    progress: BuildProgress,
    limits: BuildLimits,
    watch: _Watch,
    start: _Start,
) -> BuildOutcome:
    started, started_at = start.monotonic, start.wall_clock
    if progress.failure is not None and watch.stopped_for is None:
        raise progress.failure
    if watch.stopped_for or progress.error is not None or progress.image_id is None:
        remove_build_images(client, progress, since=started_at, job_id=start.job_id)
        status, reason = _failure_verdict(progress, limits, watch)
        return _finished(progress, status, reason, None, None, started)
    size = int(client.images.get(progress.image_id).attrs["Size"])
    if size > limits.max_image_bytes:
        client.images.remove(progress.image_id, force=True)
        reason = f"image is {size} bytes, over the limit of {limits.max_image_bytes}"
        return _finished(progress, BuildStatus.FAILED, reason, None, size, started)
    return _finished(progress, BuildStatus.OK, "built", progress.image_id, size, started)


def _failure_verdict(
    progress: BuildProgress, limits: BuildLimits, watch: _Watch
) -> tuple[BuildStatus, str]:
    if watch.stopped_for == "disk":
        return BuildStatus.FAILED, (
            f"the build wrote more than its disk limit of {limits.max_disk_bytes} bytes "
            f"({watch.disk_bytes} bytes when measured) and was stopped"
        )
    if watch.stopped_for == "pids" or watch.forks_refused > 0 or watch.limit_reached:
        refused = f"{watch.forks_refused} forks refused" if watch.forks_refused else "forks refused"
        return BuildStatus.FAILED, (
            f"the build reached the limit of {limits.pids} processes "
            f"({refused}; a fork bomb?) and was stopped"
        )
    if watch.stopped_for == "deadline":
        return BuildStatus.TIMEOUT, (
            f"the build did not finish within {limits.wall_clock_seconds:g} s and was stopped"
        )
    error = progress.error or "the build ended without producing an image"
    if _KILLED_EXIT.search(error):
        error += f" (killed: most likely over the memory limit of {limits.memory_bytes} bytes)"
    return BuildStatus.FAILED, error


def _rejected(reason: str, started: float) -> BuildOutcome:
    return BuildOutcome(
        status=BuildStatus.REJECTED,
        reason=reason,
        image_id=None,
        size_bytes=None,
        log_excerpt="",
        log_truncated=False,
        seconds=time.monotonic() - started,
    )


def _finished(
    progress: BuildProgress,
    status: BuildStatus,
    reason: str,
    image_id: str | None,
    size: int | None,
    started: float,
) -> BuildOutcome:
    return BuildOutcome(
        status=status,
        reason=reason,
        image_id=image_id,
        size_bytes=size,
        log_excerpt=progress.log.excerpt(),
        log_truncated=progress.log.truncated,
        seconds=time.monotonic() - started,
        step_image_ids=tuple(progress.step_images),
        stage_image_ids=tuple(progress.stage_images),
    )
