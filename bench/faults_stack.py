"""The stack and the load of `bench_faults.py`: services of its own, supervised processes, and
50 learners and 20 practical submissions through the REST API, with a journal of what the server
acknowledged (so the checks can tell whether anything acknowledged was lost).
"""

import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_attempts import answer_for, request  # noqa: E402
from isolation import bench_environment  # noqa: E402

from tests.private_services import (  # noqa: E402
    PrivateEngine,
    PrivatePostgres,
    PrivateRedis,
    free_port,
)

PYTHON = sys.executable
SCRATCH = Path(tempfile.mkdtemp(prefix="qs-faults-", dir="/tmp"))
LEARNERS = 50
SAVES_PER_ATTEMPT = 10
EXAM_SLUG = "docker-basics-final-exam"
PRACTICE_SLUG = "docker-basics-practice"
THINK_SECONDS = (1.0, 4.0)
GRADING_WORKERS = 2
KILLS = 5
# The gradings: a wave of 8 for the kills, 3 for each restart, 3 after the faults (20 in all).
KILL_WAVE, RESTART_WAVE, FINAL_WAVE = 8, 3, 3
TASKS = ("hardened-container", "multi-stage-build")
# A slow first step keeps each job in its build long enough to be caught there; the number makes
# every submission's build its own (no layer reuse across them).
SLOW_STEP = "RUN sleep 8 && echo {number} > /tmp/submission\n"
# Short leases and sweeps so a dead worker's job is taken over within the run (production keeps
# the defaults: a 60 s lease, a sweep every minute).
FAST_RECOVERY = {
    "GRADING_LEASE_SECONDS": "10",
    "GRADING_STUCK_AFTER_SECONDS": "15",
    "GRADING_SWEEP_INTERVAL_SECONDS": "5",
    "GRADING_ENGINE_HEARTBEAT_SECONDS": "2",
    "CERTIFICATE_EVALUATION_STUCK_AFTER_SECONDS": "15",
    "CERTIFICATE_SWEEP_INTERVAL_SECONDS": "5",
}


# -- the stack --------------------------------------------------------------------------------


class Stack:
    """Services of our own, the web server, supervised workers and beat."""

    def __init__(self) -> None:
        self.postgres = PrivatePostgres(SCRATCH / "postgres")
        self.redis = PrivateRedis(SCRATCH / "redis")
        self.engine = PrivateEngine(SCRATCH / "engine", name="faults")
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: list[tuple[str, float]] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.env: dict[str, str] = {}

    def start(self) -> None:
        self.postgres.init()
        self.postgres.start()
        database = self.postgres.create_database("quayside_faults")
        self.redis.start()
        self.engine.start()
        self.engine.ensure_base_images()
        self.env = (
            os.environ
            | FAST_RECOVERY
            | {
                "DJANGO_SETTINGS_MODULE": "quayside.settings",
                "DATABASE_URL": database,
                **bench_environment(SCRATCH / "var", broker_url=self.redis.url(0)),
                "CACHE_URL": self.redis.url(1),
                "DOCKER_HOST": self.engine.url,
                "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DEBUG": "false",
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "LOG_LEVEL": "WARNING",
                "API_THROTTLE_USER": "100000/min",
                "API_THROTTLE_ANON": "100000/min",
                "API_THROTTLE_ATTEMPT_TRANSITION": "100000/min",
                "API_THROTTLE_PRACTICAL_SUBMISSION": "100000/min",
            }
        )
        for command in (
            ["migrate", "--verbosity", "0"],
            ["sync_course", "--demo"],
        ):
            subprocess.run(
                [PYTHON, "manage.py", *command],
                cwd=ROOT,
                env=self.env | {"DEBUG": "true"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        os.environ.update(self.env | {"DEBUG": "true", "LOG_LEVEL": "ERROR"})

    def launch(self, name: str) -> None:
        commands = {
            "web": [
                str(Path(PYTHON).parent / "gunicorn"), "quayside.wsgi:application", "--bind",
                f"127.0.0.1:{self.port}", "--workers", "3", "--log-level", "warning",
            ],
            "beat": [
                PYTHON, "-m", "celery", "-A", "quayside", "beat", "--loglevel", "WARNING",
                "--schedule", str(SCRATCH / "beat-schedule"),
            ],
        }  # fmt: skip
        # Grading workers take grading only; one more worker takes the rest (sweepers,
        # certificates), as with compose.workers.yaml.
        queues = "grading" if name.startswith("grader") else "default,certificates"
        command = commands.get(name) or [
            PYTHON, "-m", "celery", "-A", "quayside", "worker", "--pool", "solo", "--queues",
            queues, "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle",
            "--loglevel", "INFO",
        ]  # fmt: skip
        log = (SCRATCH / f"{name}.log").open("ab")
        with self._lock:
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def supervise(self) -> None:
        """Start what died again after a second, as systemd or compose would."""
        while not self._stopping.wait(0.5):
            with self._lock:
                dead = [name for name, p in self.processes.items() if p.poll() is not None]
            for name in dead:
                time.sleep(1)
                self.restarts.append((name, time.monotonic()))
                self.launch(name)

    def alive(self, name: str) -> bool:
        with self._lock:
            process = self.processes.get(name)
        return process is not None and process.poll() is None

    def kill(self, name: str) -> None:
        with self._lock:
            process = self.processes[name]
        process.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            processes = list(self.processes.values())
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        self.engine.remove()
        self.redis.remove()
        self.postgres.remove()


# -- the database, from the bench's side -------------------------------------------------------


def db[T](read: Callable[[], T]) -> T:
    """Run an ORM read, riding out the database's own restart."""
    from django.db import InterfaceError, OperationalError, connection

    deadline = time.monotonic() + 120
    while True:
        try:
            return read()
        except (OperationalError, InterfaceError):
            connection.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def make_learners(count: int, prefix: str) -> list[tuple[int, str]]:
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User

    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{n}@bench.example",
                display_name=f"{prefix} {n}",
                role=Role.LEARNER,
                password=make_password(None),
            )
            for n in range(count)
        ]
    )
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    return [(user.pk, token.key) for user, token in zip(users, tokens, strict=True)]


# -- the load -----------------------------------------------------------------------------------


@dataclass
class Journal:
    """What the clients were told: acknowledged writes, by the fault window they fell in."""

    window: str = "warm-up"
    # (attempt, position) -> (save count, saved at, window), as the server acknowledged them.
    saves: dict[tuple[int, int], tuple[int, str, str]] = field(default_factory=dict)
    submits: dict[int, str] = field(default_factory=dict)
    starts: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    submissions: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    # Submissions a fault caught in flight, by the fault's name.
    caught: dict[int, str] = field(default_factory=dict)
    writes_ok: list[float] = field(default_factory=list)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def call(
    journal: Journal, port: int, method: str, path: str, token: str, body: object = None
) -> tuple[int, Any]:
    """Send until the server answers something other than a fault (5xx, no answer)."""
    pause = 0.2
    while True:
        try:
            status, answer = request(port, method, path, token=token, body=body)
        except OSError:
            status, answer = 599, None
        if status < 500 and status != 429:
            if method != "GET" and status < 300:
                with journal.lock:
                    journal.writes_ok.append(time.monotonic())
            return status, answer
        with journal.lock:
            journal.failures += 1
        time.sleep(pause)
        pause = min(pause * 2, 3.0)


def learner(
    journal: Journal, port: int, user_id: int, token: str, stop: threading.Event, seed: int
) -> None:
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, 20))
    slug = EXAM_SLUG
    while not stop.is_set():
        status, attempt = call(
            journal, port, "POST", f"/api/v1/assessments/{slug}/attempts/", token
        )
        if status not in (200, 201):
            return
        with journal.lock:
            started = journal.starts.setdefault((user_id, slug), [])
            if attempt["id"] not in started:
                started.append(attempt["id"])
        for item in attempt["items"][:SAVES_PER_ATTEMPT]:
            time.sleep(rng.uniform(*THINK_SECONDS))
            answer = answer_for(item)
            path = f"/api/v1/attempts/{attempt['id']}/answers/{item['position']}/"
            status, saved = call(journal, port, "PUT", path, token, {"response": answer})
            if status == 200:
                # The server acknowledges the save by its count and time (it stores the answer
                # normalised): both must be in the database at the end.
                with journal.lock:
                    journal.saves[(attempt["id"], item["position"])] = (
                        saved["save_count"],
                        saved["saved_at"],
                        journal.window,
                    )
        time.sleep(rng.uniform(*THINK_SECONDS))
        path = f"/api/v1/attempts/{attempt['id']}/submit/"
        if call(journal, port, "POST", path, token)[0] == 200:
            with journal.lock:
                journal.submits[attempt["id"]] = journal.window
        slug = PRACTICE_SLUG


def submit_solution(journal: Journal, port: int, user_id: int, token: str, number: int) -> None:
    from coursepackages.layout import DEMO_TASKS_DIR
    from graders.tasks import load_task

    slug = TASKS[number % len(TASKS)]
    reference = load_task(slug, directory=DEMO_TASKS_DIR).reference_files["Dockerfile"].decode()
    dockerfile = reference.replace("WORKDIR ", SLOW_STEP.format(number=number) + "WORKDIR ", 1)
    path = f"/api/v1/practicals/tasks/{slug}/submissions/"
    status, _ = call(journal, port, "POST", path, token, {"text": dockerfile})
    # 409: an earlier try went through but its answer was lost on the way back.
    if status in (202, 409):
        with journal.lock:
            journal.submissions[user_id] = (number, slug, journal.window)
