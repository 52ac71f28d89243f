"""Load the attempt API the way an exam does, against gunicorn and PostgreSQL.

Run: .venv/bin/python bench/bench_attempts.py

It (re)creates the database `quayside_bench` (BENCH_DATABASE_URL overrides), migrates it, loads
the demo course, question bank and assessments, creates learners with API tokens, starts gunicorn
on a free port of 127.0.0.1 with DEBUG off, and then measures, in one run:

1. A burst of 50 simultaneous exam starts (all released by one barrier), then the same 50
   learners flat out (no think time), each saving 10 answers. Start latency p50/p99, and
   answer-save latency p50/p99 and throughput over the save phase.
2. The same 50 clients calling a trivial authenticated endpoint (GET /api/v1/me/) flat out:
   latency and throughput, as the yardstick for the save.
3. The same 50 learners paced (1-3 s of thought before each answer, then GET /api/v1/me/): the
   latency a learner sees when the server is not saturated. Then each submits.
4. An exam-start storm: 200 other learners start the final exam, arrivals spread evenly over 10 s.

Flat out, 50 clients keep the server saturated, so latency there is queueing (Little's law:
50 / throughput); the paced phase is the latency measure, the flat-out phases the throughput one.
A warm-up of 20 whole exams runs first, so cold workers (lazy imports) are not measured.

Prints a table and writes JSON to bench/results/, with the machine's load average before and
after (other processes share the CPUs: read every figure with them). Targets: save p99 < 100 ms,
save throughput >= half the trivial endpoint's (issue 4), start-storm p99 < 500 ms, and a burst of
50 simultaneous exam starts p99 < 500 ms (issue 9).

The benchmark keeps to itself: its own database (BENCH_DATABASE_URL), its own cache database for
the rate-limit counters (BENCH_CACHE_URL), and its own var/ folder (BENCH_VAR_DIR, default
var/bench), whose filesystem broker queues the tasks a submit announces, so no worker of another
run ever sees them.
"""

import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from isolation import bench_environment, new_private_var_dir

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RESULTS_DIR = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quayside_bench"
)
# Rate-limit counters in Redis, as in production (compose.yaml).
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/11")
VAR_DIR = Path(os.environ.get("BENCH_VAR_DIR", str(ROOT / "var" / "bench")))
EXAM_SLUG = "docker-basics-final-exam"
LEARNERS = 50
SAVES_PER_LEARNER = 10
TRIVIAL_CALLS_PER_LEARNER = 10
STORM_STARTS = 200
STORM_SECONDS = 10.0
# Enough whole exams (every question type, every endpoint) to reach each gunicorn worker.
WARM_UP_LEARNERS = 20
# Paced learners think between answers (real ones take tens of seconds; this is compressed).
THINK_SECONDS = (1.0, 3.0)
# Sync workers: one request at a time each, so a slow request never holds up another's thread.
# 2 CPUs x 2 + 1, the gunicorn rule of thumb; override with BENCH_WORKERS.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
SERVER_START_TIMEOUT_SECONDS = 30
TARGET_SAVE_P99_MS = 100
TARGET_STORM_P99_MS = 500
TARGET_BURST_P99_MS = 500

# Its own var folder and embedded broker: the jobs its submissions enqueue (certificate
# evaluations) stay there and are removed with it, never reaching the checkout's var/broker.
VAR_DIR = new_private_var_dir("attempts")
SERVER_ENV = {
    **bench_environment(VAR_DIR),
    "DATABASE_URL": DATABASE_URL,
    "CACHE_URL": CACHE_URL,
    # Its own var/ folder, so the filesystem broker's queues hold only this run's messages.
    "QUAYSIDE_VAR_DIR": str(VAR_DIR),
    "CELERY_BROKER_URL": "filesystem://",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "LOG_LEVEL": "WARNING",
    # Throttling stays on (its cost is measured) but never refuses the benchmark's traffic.
    "API_THROTTLE_USER": "100000/min",
    "API_THROTTLE_ANON": "100000/min",
    "API_THROTTLE_ATTEMPT_TRANSITION": "100000/min",
}


# Setup -------------------------------------------------------------------------------------------


def _manage(*args: str) -> None:
    env = {**os.environ, **SERVER_ENV, "DEBUG": "true"}
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.DEVNULL,
    )


def recreate_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    _manage("migrate", "--verbosity", "0")
    _manage("sync_course", "--demo")


def create_learners(count: int, prefix: str) -> list[str]:
    """Learners with API tokens, straight through the ORM (fast: no password hashing)."""
    os.environ.update({**SERVER_ENV, "DEBUG": "true"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quayside.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
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
    tokens = Token.objects.bulk_create(
        [Token(user=user, key=Token.generate_key()) for user in users]
    )
    return [token.key for token in tokens]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "quayside.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--backlog",
            "2048",
            # Import the application once in the master, as a production deployment would.
            "--preload",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
    )
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", "/healthz", token=None)
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz in time")


# Client ------------------------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, *, token: str | None, body: object = None
) -> tuple[int, Any]:
    """One request on a fresh connection (sync workers close the connection after each answer)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    decoded = json.loads(content) if content and content[:1] in (b"{", b"[") else None
    return response.status, decoded


def timed(action: Callable[[], tuple[int, Any]]) -> tuple[float, int, Any]:
    started = time.perf_counter()
    status, body = action()
    return time.perf_counter() - started, status, body


def answer_for(item: dict[str, Any]) -> object:
    """A well-formed (not necessarily right) answer for a question, from what the learner sees."""
    view = item["view"]
    kind = item["type"]
    if kind == "single_choice":
        return view["options"][0]["id"]
    if kind == "multiple_response":
        return [view["options"][0]["id"]]
    if kind == "true_false":
        return True
    if kind in ("short_text", "docker_command"):
        return "docker ps"
    if kind == "numeric":
        return 3
    if kind == "ordering":
        return [entry["id"] for entry in view["items"]]
    if kind == "matching":
        return {view["lefts"][0]["id"]: view["choices"][0]["id"]}
    return view.get("starter") or "FROM alpine:3.20\n"


@dataclass(frozen=True)
class Measure:
    name: str
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    throughput_per_s: float | None
    # CPU time of the gunicorn workers per request over the phase: unlike latency, it hardly
    # depends on what else the machine runs at the time.
    worker_cpu_ms_per_request: float | None = None


def workers_cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """User + system CPU time of gunicorn's worker processes so far (Linux /proc)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        try:
            # Fields after the command name: state is the first, utime the 12th, stime the 13th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that gunicorn has just replaced
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(
    name: str,
    samples: list[tuple[float, int]],
    seconds: float | None,
    cpu_seconds: float | None = None,
) -> Measure:
    latencies = sorted(latency * 1000 for latency, _ in samples)
    p99_index = max(0, round(len(latencies) * 0.99) - 1)
    return Measure(
        name=name,
        requests=len(samples),
        errors=sum(1 for _, status in samples if status >= 400),
        p50_ms=round(statistics.median(latencies), 1),
        p99_ms=round(latencies[p99_index], 1),
        max_ms=round(latencies[-1], 1),
        throughput_per_s=round(len(samples) / seconds, 1) if seconds else None,
        worker_cpu_ms_per_request=round(cpu_seconds * 1000 / len(samples), 1)
        if cpu_seconds is not None
        else None,
    )


class Phase:
    """Runs one action per learner on its own thread, all starting together."""

    def __init__(self, learners: int) -> None:
        self.barrier = threading.Barrier(learners + 1)
        self.samples: list[tuple[float, int]] = []
        self.lock = threading.Lock()

    def record(self, latency: float, status: int) -> None:
        with self.lock:
            self.samples.append((latency, status))


def run_learners(
    port: int, tokens: list[str], server: subprocess.Popen[bytes]
) -> dict[str, Measure]:
    starts, saves, trivial, paced, paced_trivial, submits = (Phase(len(tokens)) for _ in range(6))
    attempts: dict[str, dict[str, Any]] = {}

    def learner(token: str) -> None:
        starts.barrier.wait()
        latency, status, attempt = timed(
            lambda: request(port, "POST", f"/api/v1/assessments/{EXAM_SLUG}/attempts/", token=token)
        )
        starts.record(latency, status)
        attempts[token] = attempt
        items = attempt["items"] if status in (200, 201) else []
        saves.barrier.wait()
        for item in items[:SAVES_PER_LEARNER]:
            path = f"/api/v1/attempts/{attempt['id']}/answers/{item['position']}/"
            body = {"response": answer_for(item)}
            latency, status, _ = timed(
                lambda path=path, body=body: request(port, "PUT", path, token=token, body=body)
            )
            saves.record(latency, status)
        saves.barrier.wait()
        trivial.barrier.wait()
        for _ in range(TRIVIAL_CALLS_PER_LEARNER):
            latency, status, _ = timed(lambda: request(port, "GET", "/api/v1/me/", token=token))
            trivial.record(latency, status)
        trivial.barrier.wait()
        paced.barrier.wait()
        rng = random.Random(token)
        for item in items[:SAVES_PER_LEARNER]:
            time.sleep(rng.uniform(*THINK_SECONDS))
            path = f"/api/v1/attempts/{attempt['id']}/answers/{item['position']}/"
            body = {"response": answer_for(item)}
            latency, status, _ = timed(
                lambda path=path, body=body: request(port, "PUT", path, token=token, body=body)
            )
            paced.record(latency, status)
            latency, status, _ = timed(lambda: request(port, "GET", "/api/v1/me/", token=token))
            paced_trivial.record(latency, status)
        paced.barrier.wait()
        submits.barrier.wait()
        latency, status, _ = timed(
            lambda: request(port, "POST", f"/api/v1/attempts/{attempt['id']}/submit/", token=token)
        )
        submits.record(latency, status)

    threads = [threading.Thread(target=learner, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    burst_cpu = workers_cpu_seconds(server)
    starts.barrier.wait()
    saves.barrier.wait()  # every learner has started
    burst_cpu = workers_cpu_seconds(server) - burst_cpu
    save_began, save_cpu = time.perf_counter(), workers_cpu_seconds(server)
    saves.barrier.wait()  # every learner has saved ten answers
    save_seconds = time.perf_counter() - save_began
    save_cpu = workers_cpu_seconds(server) - save_cpu
    trivial.barrier.wait()
    trivial_began, trivial_cpu = time.perf_counter(), workers_cpu_seconds(server)
    trivial.barrier.wait()
    trivial_seconds = time.perf_counter() - trivial_began
    trivial_cpu = workers_cpu_seconds(server) - trivial_cpu
    paced.barrier.wait()
    paced.barrier.wait()
    submits.barrier.wait()
    for thread in threads:
        thread.join()
    return {
        "start": measure(f"start burst ({len(tokens)} at once)", starts.samples, None, burst_cpu),
        "answer_save": measure("answer save, flat out", saves.samples, save_seconds, save_cpu),
        "trivial": measure(
            "GET /api/v1/me/, flat out", trivial.samples, trivial_seconds, trivial_cpu
        ),
        "answer_save_paced": measure("answer save, paced", paced.samples, None),
        "trivial_paced": measure("GET /api/v1/me/, paced", paced_trivial.samples, None),
        "submit": measure("submit (50 at once)", submits.samples, None),
    }


def warm_up(port: int, tokens: list[str]) -> None:
    """Fresh workers import and compile lazily; a long-running server has done so already."""

    def learner(token: str) -> None:
        _, attempt = request(
            port, "POST", f"/api/v1/assessments/{EXAM_SLUG}/attempts/", token=token
        )
        for item in attempt["items"]:
            path = f"/api/v1/attempts/{attempt['id']}/answers/{item['position']}/"
            request(port, "PUT", path, token=token, body={"response": answer_for(item)})
        request(port, "GET", "/api/v1/me/", token=token)
        request(port, "POST", f"/api/v1/attempts/{attempt['id']}/submit/", token=token)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(learner, tokens))


def run_storm(port: int, tokens: list[str], server: subprocess.Popen[bytes]) -> Measure:
    """Open-loop arrivals: start i is sent at i * (10 s / 200), whatever the server's pace."""
    interval = STORM_SECONDS / len(tokens)
    began, cpu = time.perf_counter(), workers_cpu_seconds(server)
    samples: list[tuple[float, int]] = []
    lock = threading.Lock()

    def start(index: int, token: str) -> None:
        delay = began + index * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        latency, status, _ = timed(
            lambda: request(port, "POST", f"/api/v1/assessments/{EXAM_SLUG}/attempts/", token=token)
        )
        with lock:
            samples.append((latency, status))

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        for index, token in enumerate(tokens):
            pool.submit(start, index, token)
    return measure(
        f"start storm ({len(tokens)} in {STORM_SECONDS:g} s)",
        samples,
        time.perf_counter() - began,
        workers_cpu_seconds(server) - cpu,
    )


# Report ------------------------------------------------------------------------------------------


def report(measures: dict[str, Measure]) -> dict[str, Any]:
    save, trivial, storm = measures["answer_save"], measures["trivial"], measures["storm"]
    paced, burst = measures["answer_save_paced"], measures["start"]
    ratio = (save.throughput_per_s or 0) / (trivial.throughput_per_s or 1)
    verdicts = {
        f"start-burst p99 < {TARGET_BURST_P99_MS} ms (50 at once)": burst.p99_ms
        < TARGET_BURST_P99_MS,
        f"answer-save p99 < {TARGET_SAVE_P99_MS} ms (paced)": paced.p99_ms < TARGET_SAVE_P99_MS,
        f"answer-save p99 < {TARGET_SAVE_P99_MS} ms (flat out)": save.p99_ms < TARGET_SAVE_P99_MS,
        "answer-save throughput >= 0.5 x trivial": ratio >= 0.5,
        f"start-storm p99 < {TARGET_STORM_P99_MS} ms": storm.p99_ms < TARGET_STORM_P99_MS,
        "no errors": all(measure.errors == 0 for measure in measures.values()),
    }
    print()
    print(
        f"{'operation':<30} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'req/s':>8} {'cpu ms/req':>10}"
    )
    for item in measures.values():
        throughput = f"{item.throughput_per_s:8.1f}" if item.throughput_per_s else f"{'':>8}"
        cpu = item.worker_cpu_ms_per_request
        print(
            f"{item.name:<30} {item.requests:>8} {item.errors:>6} {item.p50_ms:>8.1f} "
            f"{item.p99_ms:>8.1f} {item.max_ms:>8.1f} {throughput} "
            + (f"{cpu:>10.1f}" if cpu is not None else f"{'':>10}")
        )
    print(f"\nanswer-save / trivial throughput: {ratio:.2f}")
    for target, met in verdicts.items():
        print(f"  [{'met' if met else 'MISSED'}] {target}")
    return {"save_to_trivial_throughput": round(ratio, 2), "targets": verdicts}


def main() -> None:
    try:
        run()
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)


def run() -> None:
    print(f"Preparing {DATABASE_URL} (migrate, demo course, bank, assessments)...")
    recreate_database()
    learner_tokens = create_learners(LEARNERS, "learner")
    storm_tokens = create_learners(STORM_STARTS, "storm")
    warm_up_tokens = create_learners(WARM_UP_LEARNERS, "warm-up")
    port = free_port()
    load_before = os.getloadavg()[0]
    print(
        f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}, {os.cpu_count()} CPUs, "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    server = start_server(port)
    try:
        warm_up(port, warm_up_tokens)
        measures = run_learners(port, learner_tokens, server)
        measures["storm"] = run_storm(port, storm_tokens, server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_after = os.getloadavg()[0]
    summary = report(measures)
    print(f"load average before {load_before:.2f}, after {load_after:.2f}; {os.cpu_count()} CPUs")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = RESULTS_DIR / f"attempts-{stamp}.json"
    target.write_text(
        json.dumps(
            {
                "when": stamp,
                "cpus": os.cpu_count(),
                "load_average_before": round(load_before, 2),
                "load_average_after": round(load_after, 2),
                "gunicorn_workers": WORKERS,
                "learners": LEARNERS,
                "saves_per_learner": SAVES_PER_LEARNER,
                "measures": {key: asdict(value) for key, value in measures.items()},
                **summary,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nWritten to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
