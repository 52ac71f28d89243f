"""Run a learner's built image for checks, hardened: the image is untrusted code.

Every container: read-only root with a small tmpfs, all capabilities dropped, no-new-privileges,
memory without swap, CPU and process limits, a file-descriptor limit, an init process, a capped
json-file log, the job label, and either no network or the job's internal network. Containers are
always killed and removed here or by `job_scope`; `wait(timeout=...)` alone would not stop them.
"""

import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import docker
import requests
from docker.models.containers import Container
from docker.types import LogConfig, Ulimit

from graders.sandbox.cgroups import service_cgroup_parent
from graders.sandbox.images import PROBE_IMAGE
from graders.sandbox.labels import checked_job_id, job_labels
from graders.sandbox.logcap import CappedLog
from graders.sandbox.runtime import check_runtime
from graders.sandbox.scope import janitor, job_network, job_scope

__all__ = [
    "NETWORK_NONE",
    "HealthCheck",
    "HealthReport",
    "HealthStatus",
    "HttpProbe",
    "RunLimits",
    "RunResult",
    "janitor",
    "job_network",
    "job_scope",
    "probe_http",
    "run_command",
    "start_service",
    "wait_healthy",
]

logger = logging.getLogger(__name__)
# How many fresh containers a check gets when the engine fails their start (see run_command).
START_ATTEMPTS = 2

KIB = 1024
MIB = 1024 * KIB
NANO = 1_000_000_000
NETWORK_NONE = "none"
# The only writable path under the read-only root: a tmpfs inside the container, not the host's.
CONTAINER_TMP = "/tmp"  # noqa: S108
# How often a starting service's health is looked at.
HEALTH_POLL_SECONDS = 0.2
# What a service may be called on the job's network, and what a probe may request of it.
SERVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
URL_PATH = re.compile(r"^/[\x21-\x7e]*$")
# The status line in wget -S output.
HTTP_STATUS = re.compile(r"HTTP/\d(?:\.\d)?\s+(\d{3})")


@dataclass(frozen=True)
class RunLimits:
    """Limits of one check container; defaults follow PrairieLearn's and xqueue-watcher's."""

    # Checks run the learner's small app: 256 MiB is ample; no swap (memswap = memory).
    memory_bytes: int = 256 * MIB
    # Half a core, so two checks and the web app fit on a 2-core grading machine.
    nano_cpus: int = NANO // 2
    pids: int = 128
    nofile: int = 1024
    # Writable scratch space under the read-only root (/tmp); counts against memory.
    tmpfs_bytes: int = 16 * MIB
    # The json-file log on disk (Docker's `max-size`): bounds what a chatty app can write.
    log_max_bytes: int = 1 * MIB
    # What we read back and keep of stdout and stderr, each.
    output_cap_bytes: int = 64 * KIB
    # PrairieLearn's default grading timeout.
    wall_clock_seconds: float = 30.0


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None
    stdout: str
    stderr: str
    output_truncated: bool
    timed_out: bool
    oom_killed: bool
    seconds: float


@dataclass(frozen=True)
class HealthCheck:
    """A Docker HEALTHCHECK given at run time (exec form, no shell)."""

    test: tuple[str, ...]
    interval_seconds: float = 1.0
    timeout_seconds: float = 3.0
    retries: int = 3
    start_period_seconds: float = 0.0

    def as_docker(self) -> dict[str, Any]:
        return {
            "test": ["CMD", *self.test],
            "interval": int(self.interval_seconds * NANO),
            "timeout": int(self.timeout_seconds * NANO),
            "retries": self.retries,
            "start_period": int(self.start_period_seconds * NANO),
        }


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    EXITED = "exited"
    TIMEOUT = "timeout"
    NO_HEALTHCHECK = "no-healthcheck"


@dataclass(frozen=True)
class HealthReport:
    status: HealthStatus
    seconds: float
    last_output: str


@dataclass(frozen=True)
class HttpProbe:
    ok: bool
    status_code: int | None
    body: str
    detail: str


def hardened_options(
    *,
    job_id: str,
    limits: RunLimits,
    network: str,
    user: str | None,
) -> dict[str, Any]:
    """Keyword arguments for `containers.create` that every check container gets."""
    options: dict[str, Any] = {
        "labels": job_labels(job_id),
        "read_only": True,
        "tmpfs": {CONTAINER_TMP: f"rw,nosuid,nodev,size={limits.tmpfs_bytes}"},
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
        "mem_limit": limits.memory_bytes,
        "memswap_limit": limits.memory_bytes,
        "nano_cpus": limits.nano_cpus,
        "pids_limit": limits.pids,
        "ulimits": [Ulimit(name="nofile", soft=limits.nofile, hard=limits.nofile)],
        "init": True,
        "log_config": LogConfig(
            type=LogConfig.types.JSON,
            config={"max-size": str(limits.log_max_bytes), "max-file": "1"},
        ),
    }
    if network == NETWORK_NONE:
        options["network_mode"] = NETWORK_NONE
    else:
        options["network"] = network
    if user is not None:
        options["user"] = user
    if check_runtime():
        options["runtime"] = check_runtime()
    return options


def _created_and_started(
    client: docker.DockerClient,
    image: str,
    command: Sequence[str] | None,
    *,
    environment: dict[str, str],
    options: dict[str, Any],
) -> Container:
    """A new container (a check's or a service's), started. The engine sometimes fails a start
    on its side under load (500 "cannot start a stopped process" from containerd): that
    container never ran anything, so it is removed and a fresh one started, up to START_ATTEMPTS
    times. Any other refusal, or the last one, rises (an InfrastructureError by the pipeline's
    mapping)."""
    for attempt in range(1, START_ATTEMPTS + 1):
        container = client.containers.create(
            image,
            list(command) if command is not None else None,
            environment=environment,
            **options,
        )
        try:
            container.start()
        except docker.errors.APIError as error:
            _remove(container)
            if not error.is_server_error() or attempt == START_ATTEMPTS:
                raise
            logger.warning("engine failed to start a container (%s); retrying", error)
            continue
        return container
    raise AssertionError("unreachable: the last attempt returns or raises")


def run_command(
    client: docker.DockerClient,
    image: str,
    command: Sequence[str],
    *,
    job_id: str,
    network: str = NETWORK_NONE,
    limits: RunLimits | None = None,
    user: str | None = None,
    environment: Mapping[str, str] | None = None,
) -> RunResult:
    """Run `command` (exec form) in a hardened container, wait at most the wall-clock limit, and
    return its exit code and capped output. The container is always removed."""
    limits = limits or RunLimits()
    started = time.monotonic()
    options = hardened_options(job_id=job_id, limits=limits, network=network, user=user)
    container = _created_and_started(
        client, image, command, environment=dict(environment or {}), options=options
    )
    try:
        exit_code = _wait(container, limits.wall_clock_seconds)
        if exit_code is None:
            _kill(container)
        container.reload()
        oom_killed = bool(container.attrs["State"].get("OOMKilled"))
        stdout, stdout_cut = _capped(container.logs(stdout=True, stderr=False), limits)
        stderr, stderr_cut = _capped(container.logs(stdout=False, stderr=True), limits)
    finally:
        _remove(container)
    return RunResult(
        exit_code=exit_code,
        stdout=stdout,
        stderr=stderr,
        output_truncated=stdout_cut or stderr_cut,
        timed_out=exit_code is None,
        oom_killed=oom_killed,
        seconds=time.monotonic() - started,
    )


def _wait(container: Container, timeout: float) -> int | None:
    """The exit code, or None if the container still runs after `timeout` seconds."""
    started = time.monotonic()
    try:
        return int(container.wait(timeout=timeout)["StatusCode"])
    except requests.exceptions.Timeout:
        return None
    except requests.exceptions.ConnectionError:
        # Some urllib3/requests combinations report the read timeout as a ConnectionError; before
        # the timeout it means the engine went away, which is not the learner's doing.
        if time.monotonic() - started < timeout:
            raise
        return None


def _capped(raw: bytes, limits: RunLimits) -> tuple[str, bool]:
    log = CappedLog(limits.output_cap_bytes)
    log.append(raw.decode("utf-8", "replace"))
    return log.excerpt(), log.truncated


def _kill(container: Container) -> None:
    try:
        container.kill()
    except docker.errors.APIError as error:
        # It may have exited between the timeout and the kill; removal follows either way.
        logger.info("kill of %s: %s", container.short_id, error)


def _remove(container: Container) -> None:
    try:
        container.remove(force=True, v=True)
    except docker.errors.NotFound:
        return


def start_service(
    client: docker.DockerClient,
    image: str,
    *,
    job_id: str,
    name: str,
    network: str,
    command: Sequence[str] | None = None,
    limits: RunLimits | None = None,
    healthcheck: HealthCheck | None = None,
    user: str | None = None,
    environment: Mapping[str, str] | None = None,
) -> Container:
    """Start a long-running hardened container reachable as `name` on the job's `network`.

    The caller removes it (normally by leaving `job_scope`). No port is published on the host.
    A start the engine fails on its side is made again in a fresh container, as for checks.
    """
    limits = limits or RunLimits()
    if not SERVICE_NAME.fullmatch(name) or network == NETWORK_NONE:
        raise ValueError(f"service name {name!r} / network {network!r} not usable for a service")
    options = hardened_options(job_id=job_id, limits=limits, network=network, user=user)
    options["networking_config"] = {network: client.api.create_endpoint_config(aliases=[name])}
    # A cgroup of its own, so its process high-water mark outlives it (`pidslimit`).
    options["cgroup_parent"] = service_cgroup_parent(job_id, name)
    if healthcheck is not None:
        options["healthcheck"] = healthcheck.as_docker()
    options["name"] = f"quayside-{checked_job_id(job_id)}-{name}"
    options["hostname"] = name
    return _created_and_started(
        client, image, command, environment=dict(environment or {}), options=options
    )


def wait_healthy(container: Container, timeout: float) -> HealthReport:
    """Wait until the container's HEALTHCHECK says healthy, it gives up, it exits, or `timeout`.

    Without a health check a running container is reported as `no-healthcheck` at once.
    """
    started = time.monotonic()
    deadline = started + timeout
    while True:
        container.reload()
        state = container.attrs["State"]
        health = state.get("Health")
        last_output = _last_health_output(health)
        if state.get("Status") in {"exited", "dead"}:
            status = HealthStatus.EXITED
        elif health is None:
            status = HealthStatus.NO_HEALTHCHECK
        elif health.get("Status") in {HealthStatus.HEALTHY, HealthStatus.UNHEALTHY}:
            status = HealthStatus(health["Status"])
        elif time.monotonic() >= deadline:
            status = HealthStatus.TIMEOUT
        else:
            time.sleep(HEALTH_POLL_SECONDS)
            continue
        return HealthReport(status, time.monotonic() - started, last_output)


def _last_health_output(health: Mapping[str, Any] | None) -> str:
    entries = (health or {}).get("Log") or []
    return str(entries[-1].get("Output", "")).strip() if entries else ""


def probe_http(
    client: docker.DockerClient,
    *,
    job_id: str,
    network: str,
    target_name: str,
    port: int,
    path: str = "/",
    timeout_seconds: float = 5.0,
    limits: RunLimits | None = None,
) -> HttpProbe:
    """GET http://target_name:port/path from a second (busybox) container on the job's network.

    Nothing is published on the host and the probe runs as hardened as the service. The probe
    container's wall-clock limit is the timeout: busybox 1.35's `wget -T` crashes (SIGSEGV).
    """
    if (
        not SERVICE_NAME.fullmatch(target_name)
        or not 0 < port < 2**16
        or not URL_PATH.fullmatch(path)
    ):
        raise ValueError(f"refusing to probe {target_name!r}:{port}{path!r}")
    url = f"http://{target_name}:{port}{path}"
    limits = replace(limits or RunLimits(), wall_clock_seconds=timeout_seconds)
    result = run_command(
        client,
        PROBE_IMAGE,
        ["wget", "-S", "-O", "-", url],
        job_id=job_id,
        network=network,
        limits=limits,
        user="65534:65534",  # the probe itself needs no privileges at all
    )
    codes = HTTP_STATUS.findall(result.stderr)
    status_code = int(codes[-1]) if codes else None
    ok = result.exit_code == 0 and status_code is not None and 200 <= status_code < 400
    detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    if result.timed_out:
        detail = f"probe did not finish within {result.seconds:.0f} s"
    return HttpProbe(ok=ok, status_code=status_code, body=result.stdout, detail=detail)
