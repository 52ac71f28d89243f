"""The one place that decides whether a test's real services are there.

A test says what it needs with a marker (`postgres`, `redis`, `docker`, `browser`, `engines`,
`gvisor`); `tests/conftest.py` asks `missing_service` before the test's fixtures are set up. On a
developer's machine a test whose service is missing is skipped; in CI (`CI=true`) it FAILS, so
these integration tests never silently stop running where they are meant to run.
"""

import functools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import docker
import pytest
import redis
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = Path("/usr/bin/chromium")
# A service on this machine answers a ping well within this; longer means it is not there.
PROBE_TIMEOUT_SECONDS = 3


def service_missing(reason: str) -> None:
    """Skip (on a laptop) or fail (in CI) the running test: a required service is not there."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)


@functools.cache
def _postgres() -> str | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return f"DATABASE_URL does not point at PostgreSQL (engine {engine})"
    return None


@functools.cache
def _redis() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS).ping()
    except redis.RedisError as error:
        return f"Redis is unreachable at {url}: {error}"
    return None


@functools.cache
def _docker() -> str | None:
    try:
        client = docker.from_env(timeout=PROBE_TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
    except docker.errors.DockerException as error:
        return f"Docker engine unreachable ({error}); run scripts/ensure-docker"
    return None


@functools.cache
def _browser() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM}"
    return None


@functools.cache
def _engines() -> str | None:
    if os.geteuid() != 0:
        return "starting Docker engines of the test's own needs root"
    if shutil.which("dockerd") is None:
        return "dockerd is not installed"
    return None


@functools.cache
def _gvisor() -> str | None:
    if shutil.which("runsc") is None:
        return "gVisor's runsc is not installed (scripts/ensure-docker installs it)"
    return None


# Marker name -> probe returning why the service is missing (None: it is there). Probes run at
# most once per process (each xdist worker probes for itself).
PROBES: dict[str, Callable[[], str | None]] = {
    "postgres": _postgres,
    "redis": _redis,
    "docker": _docker,
    "browser": _browser,
    "engines": _engines,
    "gvisor": _gvisor,
}


def missing_services(marker_names: set[str]) -> list[str]:
    """Why each of the named services is missing, in a stable order; [] when all are there."""
    reasons = [PROBES[name]() for name in PROBES if name in marker_names]
    return [reason for reason in reasons if reason is not None]
