"""Real Celery worker processes for crash and throughput tests: PostgreSQL + Redis + Docker."""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# The worker tests' broker: database 14 of the Redis in REDIS_URL (the one the `redis` marker
# checks, tests/service_guard.py), unless TEST_GRADING_REDIS_URL names another.
GRADING_REDIS_DATABASE = 14
GRADING_REDIS_URL = os.environ.get("TEST_GRADING_REDIS_URL") or re.sub(
    r"/\d*$", f"/{GRADING_REDIS_DATABASE}", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
)


def database_url() -> str:
    """The URL of the database this test process uses (the test database), for subprocesses."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or "5432"
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


def flush_broker(url: str = GRADING_REDIS_URL) -> None:
    redis.Redis.from_url(url).flushdb()


def send_grading(submission_ids: list[int], url: str = GRADING_REDIS_URL) -> None:
    """What `transaction.on_commit` would have sent, sent to the workers' broker."""
    sender = Celery("quayside-test", broker=url, set_as_current=False)
    try:
        for submission_id in submission_ids:
            sender.send_task("practicals.grade_submission", args=[submission_id], queue="grading")
    finally:
        sender.close()


def start_worker(
    name: str, var_dir: Path, *, beat: bool = False, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    var_dir.mkdir(parents=True, exist_ok=True)
    env = (
        os.environ
        | {
            "DEBUG": "true",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": GRADING_REDIS_URL,
            "QUAYSIDE_VAR_DIR": str(var_dir),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        | (extra_env or {})
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "quayside",
        "worker",
        "--pool",
        "solo",
        "--queues",
        "grading,default",
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    if beat:
        command += ["--beat", "--schedule", str(var_dir / "beat-schedule")]
    log = (var_dir / f"{name}.log").open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_worker(process: subprocess.Popen[bytes], *, timeout: float = 30) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
