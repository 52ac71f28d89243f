"""Each grading worker's report on its own Docker engine, and that engine's upkeep.

Grading scales by adding hosts, each with an engine and a worker on the shared broker and
database. A worker reports its engine here (`engine_heartbeat_record`) so readiness and the admin
see every engine; it runs the janitor and trims the build caches of its own engine only
(`engine_upkeep`), since no other process can reach that engine.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import docker
from django.conf import settings
from django.utils import timezone

from graders.cache import DEFAULT_CACHE
from graders.sandbox.scope import janitor
from practicals.grader_adapter import build_cache
from practicals.models import EngineHeartbeat

logger = logging.getLogger(__name__)

# Text fields of the heartbeat row are bounded; an engine's error can be long.
DETAIL_MAX_CHARS = 2000


@dataclass(frozen=True)
class EngineReport:
    """What a worker observed of its engine in one look."""

    docker_host: str
    healthy: bool
    detail: str = ""
    consuming: bool = True
    engine_id: str = ""
    engine_version: str = ""
    check_runtime: str = ""
    build_cache_entries: int = 0
    build_cache_bytes: int = 0


@dataclass(frozen=True)
class UpkeepReport:
    removed: int
    evicted: tuple[str, ...]
    errors: tuple[str, ...]


def janitor_age() -> timedelta:
    """Leftovers older than this can no longer belong to a running job (twice the hard limit)."""
    return timedelta(seconds=(settings.LONGEST_JOB_SECONDS + 30) * 2)


def engine_upkeep(*, client: docker.DockerClient) -> UpkeepReport:
    """Remove the engine's labelled leftovers older than any job, and trim its image caches to
    their bounds (both trim themselves after each use; this catches up after crashes).

    Idempotent; touches only this worker's engine.
    """
    report = janitor(client, janitor_age())
    evicted = tuple(DEFAULT_CACHE.evict(client) + build_cache().evict(client))
    removed = report.containers + report.networks + report.images + report.cgroups
    if evicted:
        logger.info("image caches: evicted %s", ", ".join(evicted))
    if report.errors:
        logger.warning("grading janitor: %s", "; ".join(report.errors))
    logger.info(
        "grading janitor removed %s containers, %s networks, %s images, %s cgroups",
        report.containers,
        report.networks,
        report.images,
        report.cgroups,
    )
    return UpkeepReport(removed=removed, evicted=evicted, errors=report.errors)


def engine_heartbeat_record(
    *,
    worker: str,
    report: EngineReport,
    upkeep: UpkeepReport | None = None,
    now: datetime | None = None,
) -> EngineHeartbeat:
    """Store the worker's latest look at its engine (one row per worker, created on first use)."""
    now = now or timezone.now()
    values: dict[str, object] = {
        "docker_host": report.docker_host[:300],
        "healthy": report.healthy,
        "detail": report.detail[:DETAIL_MAX_CHARS],
        "consuming": report.consuming,
        "check_runtime": report.check_runtime[:64],
        "seen_at": now,
    }
    if report.healthy:
        values |= {
            "engine_id": report.engine_id[:200],
            "engine_version": report.engine_version[:64],
            "build_cache_entries": report.build_cache_entries,
            "build_cache_bytes": report.build_cache_bytes,
        }
    if upkeep is not None:
        values |= {"leftovers_removed": upkeep.removed, "janitor_ran_at": now}
    heartbeat, _ = EngineHeartbeat.objects.update_or_create(
        worker=worker[:200], defaults=values, create_defaults=values | {"started_at": now}
    )
    return heartbeat


def engine_heartbeat_stop(*, worker: str, now: datetime | None = None) -> None:
    """The worker is shutting down: its engine no longer takes jobs through it."""
    EngineHeartbeat.objects.filter(worker=worker[:200]).update(
        healthy=False, consuming=False, detail="the worker stopped", seen_at=now or timezone.now()
    )
