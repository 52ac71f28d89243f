"""Checks on the running app: it becomes healthy, it answers HTTP by name, and it does so under
the hardened settings every grading container gets (read-only root, no capabilities,
no-new-privileges, non-root if the image says so)."""

from graders.checks.base import Finding, Params
from graders.checks.context import GradingContext
from graders.sandbox.run import HealthStatus, HttpProbe

DEFAULT_PORT = 8000
DEFAULT_PATH = "/health"
HARDENED_SETTINGS = (
    "a read-only root filesystem (only /tmp is a small tmpfs), all capabilities dropped "
    "(--cap-drop ALL), no-new-privileges and memory/process limits"
)


def _target(params: Params) -> tuple[int, str]:
    return int(params.get("port", DEFAULT_PORT)), str(params.get("path", DEFAULT_PATH))


def healthcheck_healthy(context: GradingContext, params: Params) -> Finding:
    app = context.app()
    within = context.task.limits.healthy_within_seconds
    if app.healthcheck is None:
        return Finding(
            passed=False,
            message="The image has no HEALTHCHECK, so Docker cannot report it healthy. Add one "
            "that requests your health endpoint.",
        )
    report = app.health()
    if report is None:
        return Finding(passed=False, message=app.exit_summary())
    evidence = {"status": str(report.status), "seconds": round(report.seconds, 2)}
    if report.status == HealthStatus.HEALTHY:
        return Finding(
            passed=True,
            message=f"Docker reports the container healthy after {report.seconds:.1f} s.",
            evidence=evidence,
        )
    if report.status == HealthStatus.EXITED:
        detail = app.exit_summary()
    elif report.status == HealthStatus.TIMEOUT:
        detail = f"It did not become healthy within {within:g} s."
    else:
        detail = "Docker marked it unhealthy."
    output = f" Last health check output: {report.last_output[:300]}" if report.last_output else ""
    return Finding(
        passed=False,
        message=f"The HEALTHCHECK never passed. {detail}{output}",
        evidence=evidence,
    )


def _describe_failure(probe: HttpProbe, url: str, exit_summary: str) -> str:
    if probe.status_code is not None:
        return f"GET {url} answered HTTP {probe.status_code}."
    return f"GET {url} got no answer ({probe.detail or 'no response'}). {exit_summary}"


def http_responds(context: GradingContext, params: Params) -> Finding:
    """GET http://app:<port><path> from a second container on the job's network."""
    port, path = _target(params)
    app = context.app()
    probe = app.ready(port, path)
    url = f"http://app:{port}{path}"
    contains = str(params.get("body_contains", ""))
    evidence = {"url": url, "status_code": probe.status_code}
    if probe.ok and contains in probe.body:
        return Finding(
            passed=True,
            message=f"GET {url} from another container answered HTTP {probe.status_code}.",
            evidence=evidence,
        )
    if probe.ok:
        return Finding(
            passed=False,
            message=f"GET {url} answered, but its body does not contain `{contains}`.",
            evidence=evidence,
        )
    return Finding(
        passed=False,
        message=_describe_failure(probe, url, app.exit_summary()),
        evidence=evidence,
    )


def hardened_runtime(context: GradingContext, params: Params) -> Finding:
    """The app keeps running and serving under the hardened settings it was started with."""
    port, path = _target(params)
    app = context.app()
    probe = app.ready(port, path)
    still_running = app.is_running()
    url = f"http://app:{port}{path}"
    if probe.ok and still_running:
        return Finding(
            passed=True,
            message=f"The app serves {url} with {HARDENED_SETTINGS}.",
            evidence={"url": url, "status_code": probe.status_code},
        )
    return Finding(
        passed=False,
        message=f"Run with {HARDENED_SETTINGS}, the app does not keep serving: "
        f"{_describe_failure(probe, url, app.exit_summary())} Write only to /tmp or to a "
        "declared VOLUME, listen on an unprivileged port, and need no capabilities.",
        evidence={"url": url, "status_code": probe.status_code, "running": still_running},
    )
