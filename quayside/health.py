"""Liveness and readiness probes for load balancers, compose healthchecks and operators."""

import logging
from collections.abc import Callable

import docker
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from practicals import api as practicals_api

logger = logging.getLogger(__name__)

# A probe must answer quickly even when a dependency hangs.
PROBE_TIMEOUT_SECONDS = 2

# What a readiness check may add to its entry besides the status.
Report = dict[str, object]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and serving requests; it checks nothing else on purpose."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=PROBE_TIMEOUT_SECONDS,
    ) as broker:
        broker.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_SECONDS)


def _check_docker_engine() -> None:
    client = docker.DockerClient(base_url=settings.DOCKER_HOST, timeout=PROBE_TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


class NoGradingEngineError(RuntimeError):
    """No grading worker reports an engine that answers."""


def _check_grading_engines() -> Report:
    """Every grading engine as its worker reports it (workers may run on several hosts); ready
    while at least one answers. Before any worker reported, the configured engine is pinged."""
    engines = practicals_api.grading_engines()
    if not engines:
        _check_docker_engine()
        return {"engines": [{"worker": "(none reported)", "status": "ok"}]}
    listed = [
        {
            "worker": engine.worker,
            "status": engine.state,
            "consuming": engine.consuming,
            "seconds_since_report": engine.seconds_since_report,
        }
        for engine in engines
    ]
    if not any(engine.state == "ok" for engine in engines):
        raise NoGradingEngineError(listed)
    return {"engines": listed}


READINESS_CHECKS: dict[str, Callable[[], Report | None]] = {
    "database": _check_database,
    "broker": _check_broker,
    "grading_engines": _check_grading_engines,
}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Each dependency reported on its own; 503 if any one is unreachable."""
    report: dict[str, dict[str, object]] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            extra = check()
        except NoGradingEngineError as error:
            logger.warning("readiness check %s failed: no engine answers", name)
            report[name] = {"status": "unavailable", "engines": error.args[0]}
        except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported below
            logger.warning("readiness check %s failed: %s", name, error)
            report[name] = {"status": "unavailable", "detail": type(error).__name__}
        else:
            report[name] = {"status": "ok", **(extra or {})}
    ready = all(item["status"] == "ok" for item in report.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": report}, status=200 if ready else 503
    )
