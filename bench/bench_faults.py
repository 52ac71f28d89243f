"""Faults, proven: gradings and learners in flight while workers die and services restart.

    .venv/bin/python bench/bench_faults.py     (as root; about 10-15 minutes, bounded)

Everything it faults is its own, started here and removed at the end: a PostgreSQL cluster, a
Redis server (no persistence: a restart loses every queued message, the harshest case for the
sweepers), a Docker engine, gunicorn, two Celery grading workers (restarted when they die, as a
process supervisor would) and Celery beat. The machine's own services are never touched.

While 50 simulated learners take the final exam and then practice quizzes through the REST API
(start, save ten answers, submit; retrying a request that failed, as a client does) and 20
practical submissions are graded in waves, it does in turn:

1. kills a grading worker with SIGKILL in the middle of a build, 5 times;
2. restarts Redis;
3. restarts the Docker engine while a build runs;
4. restarts PostgreSQL while a build runs.

Then it checks, per fault: `lost` (a submission without exactly one final result, a verdict that
is not the one its solution earns, an acknowledged answer or submit not in the database),
`duplicated` (a submission graded twice, a learner with more attempts or submissions than it
made), how many jobs were retried as infrastructure faults and whether any cost the learner an
attempt (`charged`), and the time to recover (until the API took a write again and a job caught
by the fault was graded). Prints one line per fault and writes bench/results/faults-<time>.json;
exits 1 unless every fault shows lost=0 duplicated=0 charged=0.
"""

import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_attempts import request  # noqa: E402
from faults_stack import (  # noqa: E402
    FINAL_WAVE,
    GRADING_WORKERS,
    KILL_WAVE,
    KILLS,
    LEARNERS,
    RESTART_WAVE,
    SCRATCH,
    Journal,
    Stack,
    db,
    learner,
    make_learners,
    submit_solution,
)

RESULTS_DIR = ROOT / "bench" / "results"
# The whole run, set-up and checks included; past it the run stops and counts as failed.
RUN_DEADLINE_SECONDS = 30 * 60
WAIT_FOR_BUILD_SECONDS = 180
# gunicorn's workers import Django; on a busy 2-core machine that takes a while.
SERVER_START_SECONDS = 180
WAVE_TIMEOUT_SECONDS = 420

# -- faults ---------------------------------------------------------------------------------------


@dataclass
class FaultReport:
    fault: str
    lost: int = 0
    duplicated: int = 0
    retried_infrastructure: int = 0
    charged: int = 0
    injected: bool = False
    resumed_seconds: float | None = None
    recover_seconds: float | None = None
    detail: list[str] = field(default_factory=list)


def pending_submissions() -> set[int]:
    from practicals.models import Submission

    return set(
        db(lambda: list(Submission.objects.exclude(status="done").values_list("pk", flat=True)))
    )


def wait_for_build(stack: Stack, caught: set[int]) -> tuple[int, str] | None:
    """A first claim of a submission in its build, held by a live grading worker, that no
    fault caught yet: (submission id, worker name)."""
    from practicals.models import Submission

    deadline = time.monotonic() + WAIT_FOR_BUILD_SECONDS
    while time.monotonic() < deadline:
        rows = db(
            lambda: list(
                Submission.objects.filter(status="building", phase="build", claims=1)
                .filter(lease_owner__startswith="grader")
                .exclude(pk__in=caught)
                .values_list("pk", "lease_owner")
            )
        )
        for submission_id, owner in rows:
            worker = owner.split("@", 1)[0]
            if stack.alive(worker):
                return submission_id, worker
        time.sleep(0.3)
    return None


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@dataclass(frozen=True)
class Recovery:
    """Seconds from a fault until a job it caught was taken up again (claimed anew, or carried
    on to its end), and until such a job was graded and the API took a write again."""

    resumed_seconds: float
    recovered_seconds: float


def recovery(
    journal: Journal, fault_at: float, back_at: float, caught: dict[int, int]
) -> Recovery | None:
    """`caught`: submission id -> its claims when the fault struck."""
    from django.db.models import Q

    from practicals.models import Submission

    def moved_on() -> bool:
        taken_up = Q(status="done")
        for submission_id, claims in caught.items():
            taken_up |= Q(pk=submission_id, claims__gt=claims)
        return db(lambda: Submission.objects.filter(taken_up, pk__in=caught).exists())

    def graded() -> bool:
        return db(lambda: Submission.objects.filter(pk__in=caught, status="done").exists())

    if caught and not wait_until(moved_on, WAVE_TIMEOUT_SECONDS):
        return None
    resumed = time.monotonic()
    if caught and not wait_until(graded, WAVE_TIMEOUT_SECONDS):
        return None
    job_done = time.monotonic()
    if not wait_until(lambda: any(t > back_at for t in journal.writes_ok), 120):
        return None
    write_ok = min(t for t in journal.writes_ok if t > back_at)
    return Recovery(
        resumed_seconds=round((resumed if caught else write_ok) - fault_at, 1),
        recovered_seconds=round(max(job_done if caught else back_at, write_ok) - fault_at, 1),
    )


def claims_of(submission_ids: set[int]) -> dict[int, int]:
    from practicals.models import Submission

    return dict(
        db(
            lambda: list(
                Submission.objects.filter(pk__in=submission_ids).values_list("pk", "claims")
            )
        )
    )


class Scenario:
    def __init__(self, stack: Stack, journal: Journal, graders: list[tuple[int, str]]) -> None:
        self.stack, self.journal = stack, journal
        self.graders = iter(enumerate(graders))

    def wave(self, window: str, size: int) -> None:
        self.journal.window = window
        threads = []
        for _ in range(size):
            number, (user_id, token) = next(self.graders)
            thread = threading.Thread(
                target=submit_solution,
                args=(self.journal, self.stack.port, user_id, token, number),
            )
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()

    def wave_done(self) -> bool:
        return wait_until(lambda: not pending_submissions(), WAVE_TIMEOUT_SECONDS)

    def kill_workers(self) -> dict[str, Recovery | None]:
        """Kill a worker whenever a first claim is in its build, KILLS times; each kill's
        recovery is timed in the background meanwhile."""
        self.wave("kill wave", KILL_WAVE)
        recovered: dict[str, Recovery | None] = {}
        timers = []
        for kill in range(1, KILLS + 1):
            name = f"kill worker mid-build #{kill}"
            target = wait_for_build(self.stack, set(self.journal.caught))
            if target is None:
                recovered[name] = None
                continue
            self.journal.window = name
            submission_id, worker = target
            self.journal.caught[submission_id] = name
            fault_at = time.monotonic()
            self.stack.kill(worker)

            def timed(name: str = name, at: float = fault_at, caught: int = submission_id) -> None:
                recovered[name] = recovery(self.journal, at, at, {caught: 1})

            timers.append(threading.Thread(target=timed))
            timers[-1].start()
        for timer in timers:
            timer.join()
        self.wave_done()
        return recovered

    def restart(
        self, name: str, action: Callable[[], object], *, mid_build: bool
    ) -> Recovery | None:
        self.wave(name, RESTART_WAVE)
        if mid_build:
            wait_for_build(self.stack, set(self.journal.caught))
        caught = claims_of(pending_submissions())
        self.journal.caught |= dict.fromkeys(caught, name)
        fault_at = time.monotonic()
        action()
        timing = recovery(self.journal, fault_at, time.monotonic(), caught)
        self.wave_done()
        return timing


# -- checks ---------------------------------------------------------------------------------------


def check(journal: Journal, names: list[str]) -> dict[str, FaultReport]:
    from django.db.models import Count

    from assessments.models import Attempt, AttemptQuestion
    from practicals.models import Submission, Verdict
    from practicals.selectors import attempts_used

    reports = {name: FaultReport(name) for name in names}

    def note(window: str, kind: str, text: str) -> None:
        report = reports.setdefault(window, FaultReport(window))
        setattr(report, kind, getattr(report, kind) + 1)
        report.detail.append(text)

    for (attempt_id, position), (count, saved_at, window) in journal.saves.items():
        stored = AttemptQuestion.objects.filter(attempt_id=attempt_id, position=position).first()
        acknowledged = datetime.fromisoformat(saved_at.replace("Z", "+00:00"))
        if (
            stored is None
            or stored.response is None
            or stored.save_count < count
            or stored.saved_at is None
            or stored.saved_at < acknowledged
        ):
            note(window, "lost", f"answer {attempt_id}/{position} not stored as acknowledged")
    for attempt_id, window in journal.submits.items():
        if (
            Attempt.objects.filter(pk=attempt_id, status="submitted", percent__isnull=False).count()
            != 1
        ):
            note(window, "lost", f"attempt {attempt_id} acknowledged as submitted is not graded")
    for (user_id, slug), started in journal.starts.items():
        made = Attempt.objects.filter(learner_id=user_id, assessment__slug=slug).count()
        if made > len(started):
            note("learners", "duplicated", f"learner {user_id}: {made} attempts of {slug}")
    submissions = Submission.objects.annotate(runs_count=Count("runs")).select_related(
        "task_version__task", "learner"
    )
    by_learner: dict[int, list[Any]] = {row.learner_id: [] for row in submissions}
    for row in submissions:
        by_learner[row.learner_id].append(row)
    for user_id, (_, _, wave) in journal.submissions.items():
        rows = by_learner.get(user_id, [])
        window = journal.caught.get(rows[0].pk, wave) if len(rows) == 1 else wave
        if len(rows) != 1:
            note(
                window,
                "duplicated" if rows else "lost",
                f"learner {user_id}: {len(rows)} submissions",
            )
            continue
        row = rows[0]
        if row.status != "done" or row.runs_count != 1:
            note(
                window,
                "lost" if row.runs_count == 0 else "duplicated",
                f"submission {row.pk}: {row.runs_count} runs",
            )
        elif row.verdict != Verdict.PASSED:
            note(window, "lost", f"submission {row.pk}: {row.verdict}, its solution earns passed")
        if row.claims > 1 or row.infrastructure_failures:
            reports.setdefault(window, FaultReport(window)).retried_infrastructure += 1
        used = attempts_used(learner=row.learner, task=row.task_version.task)
        if used != 1:
            note(window, "charged", f"learner {user_id} charged {used} attempts")
    return reports


def _out_of_time(signum: int, frame: object) -> None:
    raise SystemExit(f"bench_faults: over {RUN_DEADLINE_SECONDS} s; see {SCRATCH}")


def main() -> int:
    started = time.monotonic()
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(RUN_DEADLINE_SECONDS)
    stack = Stack()
    journal = Journal()
    stop = threading.Event()
    try:
        stack.start()
        import django

        django.setup()
        learners = make_learners(LEARNERS, "faults-learner-")
        graders = make_learners(KILL_WAVE + 3 * RESTART_WAVE + FINAL_WAVE, "faults-grading-")
        stack.launch("web")
        for number in range(1, GRADING_WORKERS + 1):
            stack.launch(f"grader{number}")
        stack.launch("upkeep")
        stack.launch("beat")
        threading.Thread(target=stack.supervise, daemon=True).start()
        if not wait_until(lambda: _healthy(stack.port), SERVER_START_SECONDS):
            codes = {name: p.poll() for name, p in stack.processes.items()}
            raise SystemExit(f"gunicorn did not answer (exit codes {codes}); see {SCRATCH}")
        clients = [
            threading.Thread(
                target=learner, args=(journal, stack.port, user_id, token, stop, n), daemon=True
            )
            for n, (user_id, token) in enumerate(learners)
        ]
        for client in clients:
            client.start()
        scenario = Scenario(stack, journal, graders)
        recovered = scenario.kill_workers()
        recovered["restart Redis"] = scenario.restart(
            "restart Redis", stack.redis.restart, mid_build=False
        )
        recovered["restart the Docker engine"] = scenario.restart(
            "restart the Docker engine", stack.engine.restart, mid_build=True
        )
        recovered["restart PostgreSQL"] = scenario.restart(
            "restart PostgreSQL", stack.postgres.restart, mid_build=True
        )
        scenario.wave("after the faults", FINAL_WAVE)
        scenario.wave_done()
        stop.set()
        for client in clients:
            client.join(timeout=180)
        settled = wait_until(_evaluations_settled, 120)
        reports = check(journal, list(recovered))
        for name, timing in recovered.items():
            report = reports[name]
            report.injected = timing is not None
            if timing is None:
                report.detail.append("not injected, or not recovered within the time allowed")
            else:
                report.resumed_seconds = timing.resumed_seconds
                report.recover_seconds = timing.recovered_seconds
        if not settled:
            reports.setdefault("certificates", FaultReport("certificates")).lost += 1
        return _print(reports, list(recovered), journal, stack, time.monotonic() - started)
    finally:
        stop.set()
        stack.stop()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(SCRATCH, ignore_errors=True)


def _healthy(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz", token=None)[0] == 200
    except OSError:
        return False


def _evaluations_settled() -> bool:
    from certificates.models import PendingEvaluation

    return not db(lambda: PendingEvaluation.objects.exists())


def _print(
    reports: dict[str, FaultReport],
    faults: list[str],
    journal: Journal,
    stack: Stack,
    seconds: float,
) -> int:
    ok = True
    for report in reports.values():
        timing = ""
        if report.recover_seconds is not None:
            timing = (
                f" resumed_in={report.resumed_seconds:.1f}s"
                f" recovered_in={report.recover_seconds:.1f}s"
            )
        print(
            f"{report.fault:<28} lost={report.lost} duplicated={report.duplicated} "
            f"retried_infrastructure={report.retried_infrastructure} charged={report.charged}"
            f"{timing}"
        )
        for line in report.detail[:5]:
            print(f"    {line}")
        ok = ok and report.lost == report.duplicated == report.charged == 0
        ok = ok and (report.injected or report.fault not in faults)
    summary = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "acknowledged_answers": len(journal.saves),
        "acknowledged_submits": len(journal.submits),
        "practical_submissions": len(journal.submissions),
        "client_retries": journal.failures,
        "process_restarts": len(stack.restarts),
        "faults": [asdict(report) for report in reports.values()],
        "passed": ok,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "faults"}, indent=2))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"faults-{stamp}.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
