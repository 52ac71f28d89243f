"""A grading worker's watch over its own Docker engine (runs in the worker process only).

Started when a Celery worker that consumes the `grading` queue is ready. Every
GRADING_ENGINE_HEARTBEAT_SECONDS it pings the engine and reports it (`EngineHeartbeat`); while
the engine does not answer, the worker stops consuming `grading` so the jobs go to the workers
of other engines, and resumes when it answers again. Every GRADING_JANITOR_INTERVAL_SECONDS it
runs the janitor on its engine (leftovers are per engine, and only this worker reaches it).

Consumer changes are handed to Celery's own event loop (`call_soon`), the way the remote control
command `cancel_consumer` does it, never made from this thread.
"""

import logging
import threading
import time
from typing import Any

import docker
import requests
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import DatabaseError, connection

from practicals.engine import docker_client
from practicals.grader_adapter import build_cache, grading_unavailable
from practicals.services.engines import (
    EngineReport,
    UpkeepReport,
    engine_heartbeat_record,
    engine_heartbeat_stop,
    engine_upkeep,
)

logger = logging.getLogger(__name__)

GRADING_QUEUE = "grading"
ENGINE_FAULTS = (docker.errors.DockerException, requests.RequestException)

_watch: "EngineWatch | None" = None


class EngineWatch:
    def __init__(self, consumer: Any, worker: str) -> None:
        self._consumer = consumer
        self.worker = worker
        self.consuming = True
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        # The first janitor run comes one interval after start, as the old beat schedule did:
        # leftovers are older than any job by definition, and a worker that restarts often
        # should not sweep its engine each time.
        self._next_upkeep = time.monotonic() + settings.GRADING_JANITOR_INTERVAL_SECONDS
        self._looked = False
        self._thread = threading.Thread(target=self._run, name="engine-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=settings.GRADING_ENGINE_HEARTBEAT_SECONDS + 5)
        try:
            engine_heartbeat_stop(worker=self.worker)
        except DatabaseError as error:
            logger.warning("could not record that worker %s stopped: %s", self.worker, error)

    def engine_failed(self, problem: str) -> None:
        """A job found the engine down: stop taking jobs now, without waiting for the next look."""
        self._set_consuming(False, problem)
        self._wake.set()

    def _run(self) -> None:
        interval = settings.GRADING_ENGINE_HEARTBEAT_SECONDS
        while not self._stop.is_set():
            try:
                self.look()
            except DatabaseError as error:
                logger.warning("engine heartbeat of %s not stored: %s", self.worker, error)
                connection.close()
            except Exception:
                logger.exception("engine watch of %s failed; it carries on", self.worker)
            self._wake.wait(interval)
            self._wake.clear()
        connection.close()

    def look(self) -> None:
        """One look at the engine: report it, stop or resume consuming, run the janitor if due."""
        problem = grading_unavailable()
        if problem is not None and not self._looked:
            logger.error("grading worker %s takes no grading jobs: %s", self.worker, problem)
        self._looked = True
        self._set_consuming(problem is None, problem or "")
        report = EngineReport(
            docker_host=settings.DOCKER_HOST,
            healthy=problem is None,
            detail=problem or "",
            consuming=self.consuming,
            check_runtime=settings.GRADING_CHECK_RUNTIME,
        )
        upkeep = None
        if problem is None:
            report, upkeep = self._inspect(report)
        engine_heartbeat_record(worker=self.worker, report=report, upkeep=upkeep)

    def _inspect(self, report: EngineReport) -> tuple[EngineReport, UpkeepReport | None]:
        try:
            client = docker_client()
        except ENGINE_FAULTS as error:
            return _down(report, error), None
        try:
            info = client.info()
            entries = build_cache().entries(client)
            upkeep = None
            if time.monotonic() >= self._next_upkeep:
                upkeep = engine_upkeep(client=client)
                self._next_upkeep = time.monotonic() + settings.GRADING_JANITOR_INTERVAL_SECONDS
        except ENGINE_FAULTS as error:
            return _down(report, error), None
        finally:
            client.close()
        return (
            EngineReport(
                docker_host=report.docker_host,
                healthy=True,
                consuming=report.consuming,
                check_runtime=report.check_runtime,
                engine_id=str(info.get("ID") or ""),
                engine_version=str(info.get("ServerVersion") or ""),
                build_cache_entries=len(entries),
                build_cache_bytes=sum(entry.own_bytes for entry in entries),
            ),
            upkeep,
        )

    def _set_consuming(self, consume: bool, reason: str) -> None:
        with self._lock:
            if consume == self.consuming:
                return
            self.consuming = consume
        if consume:
            logger.warning(
                "engine %s answers again: consuming %s", settings.DOCKER_HOST, GRADING_QUEUE
            )
            self._consumer.call_soon(self._consumer.add_task_queue, GRADING_QUEUE)
        else:
            logger.warning(
                "engine %s is down (%s): no longer consuming %s",
                settings.DOCKER_HOST,
                reason,
                GRADING_QUEUE,
            )
            self._consumer.call_soon(self._consumer.cancel_task_queue, GRADING_QUEUE)


def _down(report: EngineReport, error: BaseException) -> EngineReport:
    return EngineReport(
        docker_host=report.docker_host,
        healthy=False,
        detail=f"{type(error).__name__}: {error}",
        consuming=report.consuming,
        check_runtime=report.check_runtime,
    )


def current_watch() -> "EngineWatch | None":
    return _watch


def report_engine_failure(problem: str) -> None:
    """Called by a grading task that found its engine down (no-op outside a watched worker)."""
    if _watch is not None:
        _watch.engine_failed(problem)


def _consumes_grading(consumer: Any) -> bool:
    amqp = getattr(getattr(consumer, "app", None), "amqp", None)
    return amqp is not None and GRADING_QUEUE in set(amqp.queues.consume_from or {})


@worker_ready.connect
def _start_watch(sender: Any = None, **_: Any) -> None:
    global _watch
    if sender is None or not _consumes_grading(sender) or _watch is not None:
        return
    _watch = EngineWatch(sender, str(getattr(sender, "hostname", "") or "worker"))
    _watch.start()
    logger.info("watching engine %s for worker %s", settings.DOCKER_HOST, _watch.worker)


@worker_shutdown.connect
def _stop_watch(**_: Any) -> None:
    global _watch
    watch, _watch = _watch, None
    if watch is not None:
        watch.stop()
