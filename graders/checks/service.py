"""The learner's app, running hardened on the job's internal network, shared by dynamic checks.

It is started once with the sandbox's hardened settings (read-only root with a /tmp tmpfs, all
capabilities dropped, no-new-privileges, memory/CPU/pids limits) and the image's own user. The
image's HEALTHCHECK command is kept but re-timed: a learner's `--interval=30s` is right in
production, but grading must not wait 30 s for the first check, so the command runs every
half second, with failures during `healthy_within_seconds` not counted (a start period).
"""

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import docker
import requests
from docker.models.containers import Container

from graders.data import GradingLimits
from graders.errors import is_learner_caused
from graders.sandbox.logcap import CappedLog
from graders.sandbox.pidslimit import process_limit
from graders.sandbox.run import (
    HealthCheck,
    HealthReport,
    HealthStatus,
    HttpProbe,
    RunLimits,
    probe_http,
    start_service,
    wait_healthy,
)

if TYPE_CHECKING:
    from graders.checks.context import GradingContext

logger = logging.getLogger(__name__)

APP_NAME = "app"
HEALTH_INTERVAL_SECONDS = 0.5
# A health command that hangs longer than this is as good as failed for grading.
MAX_HEALTH_TIMEOUT_SECONDS = 10.0
DEFAULT_HEALTH_RETRIES = 3
NANO = 1_000_000_000
PROBE_TIMEOUT_SECONDS = 5.0
READY_POLL_SECONDS = 0.3


def run_limits(limits: GradingLimits) -> RunLimits:
    return RunLimits(
        memory_bytes=limits.run_memory_bytes,
        pids=limits.run_pids,
        wall_clock_seconds=limits.run_seconds,
        output_cap_bytes=limits.log_cap_bytes,
    )


@dataclass(frozen=True)
class ImageHealthCheck(HealthCheck):
    """The image's own HEALTHCHECK test, which may be CMD-SHELL (HealthCheck only does CMD)."""

    kind: str = "CMD"

    def as_docker(self) -> dict[str, Any]:
        options = super().as_docker()
        options["test"] = [self.kind, *self.test]
        return options


def image_healthcheck(image_attrs: dict[str, Any], within_seconds: float) -> HealthCheck | None:
    config = (image_attrs.get("Config") or {}).get("Healthcheck") or {}
    test = list(config.get("Test") or [])
    if not test or test[0] not in {"CMD", "CMD-SHELL"} or len(test) < 2:
        return None
    timeout = (config.get("Timeout") or 0) / NANO or MAX_HEALTH_TIMEOUT_SECONDS
    return ImageHealthCheck(
        test=tuple(test[1:]),
        kind=test[0],
        interval_seconds=HEALTH_INTERVAL_SECONDS,
        timeout_seconds=min(timeout, MAX_HEALTH_TIMEOUT_SECONDS),
        retries=int(config.get("Retries") or DEFAULT_HEALTH_RETRIES),
        start_period_seconds=within_seconds,
    )


class AppService:
    """Start the app once; answer health, readiness, probes and "who runs it" for the checks."""

    def __init__(self, context: "GradingContext") -> None:
        self._context = context
        self._limits = context.task.limits
        self.container: Container | None = None
        self.start_error: str | None = None
        self.healthcheck = image_healthcheck(
            context.image_attrs(), self._limits.healthy_within_seconds
        )
        self._health: HealthReport | None = None
        self._probes: dict[tuple[int, str], HttpProbe] = {}
        self._ready: dict[tuple[int, str], HttpProbe] = {}
        self._start()

    def _start(self) -> None:
        context = self._context
        assert context.image_id is not None
        assert context.network is not None
        try:
            self.container = start_service(
                context.engine(),
                context.image_id,
                job_id=context.job_id,
                name=APP_NAME,
                network=context.network,
                limits=run_limits(self._limits),
                healthcheck=self.healthcheck,
            )
        except docker.errors.APIError as error:
            if not is_learner_caused(error):
                raise
            self.start_error = str(error.explanation or error)

    def _within(self) -> float:
        return max(0.0, min(self._limits.healthy_within_seconds, self._context.remaining()))

    def health(self) -> HealthReport | None:
        """Wait (once) for the health verdict; None if the container never started."""
        if self.container is None:
            return None
        if self._health is None:
            self._health = wait_healthy(self.container, self._within())
        return self._health

    def is_running(self) -> bool:
        if self.container is None:
            return False
        self.container.reload()
        return bool(self.container.attrs["State"].get("Running"))

    def ready(self, port: int, path: str) -> HttpProbe:
        """Probe until the app answers (or it exits, or `healthy_within_seconds` pass)."""
        key = (port, path)
        if key in self._ready:
            return self._ready[key]
        if self.container is None:
            return HttpProbe(False, None, "", f"the container did not start: {self.start_error}")
        report = self.health()
        if not self.is_running():
            # A stopped container's name no longer resolves; probing would only wait for DNS.
            probe = HttpProbe(False, None, "", "the container is not running")
            self._ready[key] = probe
            return probe
        deadline = time.monotonic() + self._within()
        probe = self.probe(port, path, cached=False)
        while not probe.ok and report is not None and report.status != HealthStatus.EXITED:
            if time.monotonic() >= deadline or not self.is_running():
                break
            time.sleep(READY_POLL_SECONDS)
            probe = self.probe(port, path, cached=False)
        self._ready[key] = probe
        return probe

    def probe(self, port: int, path: str, *, cached: bool = True) -> HttpProbe:
        key = (port, path)
        if cached and key in self._probes:
            return self._probes[key]
        assert self._context.network is not None
        probe = probe_http(
            self._context.engine(),
            job_id=self._context.job_id,
            network=self._context.network,
            target_name=APP_NAME,
            port=port,
            path=path,
            timeout_seconds=min(PROBE_TIMEOUT_SECONDS, max(1.0, self._context.remaining())),
        )
        self._probes[key] = probe
        return probe

    def user_ids(self) -> list[int]:
        """Ids the running app's processes run as: `id -u` inside it, else the host's `ps`."""
        if self.container is None or not self.is_running():
            return []
        try:
            result = self.container.exec_run(["id", "-u"])
            if result.exit_code == 0 and isinstance(result.output, bytes):
                return [int(result.output.decode().strip())]
        except (docker.errors.APIError, ValueError) as error:
            logger.info("id -u in %s failed: %s", self.container.short_id, error)
        try:
            top = self.container.top(ps_args="-o pid,uid")
        except docker.errors.APIError:
            # The engine answers 500 when the container exits between the check and `top`.
            if not self.is_running():
                return []
            raise
        column = top["Titles"].index("UID")
        return [int(process[column]) for process in top.get("Processes") or []]

    def logs(self, cap_bytes: int) -> str:
        if self.container is None:
            return ""
        log = CappedLog(cap_bytes)
        try:
            raw = self.container.logs(stdout=True, stderr=True, stream=False)
            assert isinstance(raw, bytes)
            log.append(raw.decode("utf-8", "replace"))
        except (docker.errors.APIError, requests.RequestException) as error:
            logger.info("logs of %s unavailable: %s", self.container.short_id, error)
        return log.excerpt()

    def exit_summary(self) -> str:
        """A line for messages when the app is not running: its exit code and last log lines."""
        if self.container is None:
            return f"The container could not start: {self.start_error}"
        self.container.reload()
        state = self.container.attrs["State"]
        if state.get("Running"):
            limit = process_limit(self.container)
            if limit is not None and limit.hit:
                return f"The container is running. {limit.describe()}"
            return "The container is running."
        tail = self.logs(2048).strip().splitlines()[-3:]
        last = " | ".join(tail) if tail else "(no output)"
        oom = " (killed: out of memory)" if state.get("OOMKilled") else ""
        limit = process_limit(self.container)
        pids = f" {limit.describe()}" if limit is not None and limit.hit else ""
        return (
            f"The container exited with code {state.get('ExitCode')}{oom}; last output: {last}."
            f"{pids}"
        )
