"""The embedded defaults (SQLite, file cache, filesystem broker) run what scripts/start runs: the
rest of the suite runs on PostgreSQL, so SQL that only PostgreSQL reads would pass it unseen."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the embedded defaults read from the environment: none of it is set for them.
SERVICE_SETTINGS = ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "CELERY_BROKER_URL")
COMMAND_TIMEOUT_SECONDS = 180


def _manage(var_dir: Path, *args: str) -> str:
    environment = {
        key: value for key, value in os.environ.items() if key not in SERVICE_SETTINGS
    } | {"DEBUG": "true", "QUAYSIDE_VAR_DIR": str(var_dir)}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_demo_course_and_its_simulated_attempts_load_on_sqlite(tmp_path: Path) -> None:
    # given a fresh embedded database
    _manage(tmp_path, "migrate", "--noinput")

    # when the demo course is synced and learners' attempts simulated, as scripts/start does
    _manage(tmp_path, "sync_course", "--demo")
    seeded = _manage(tmp_path, "seed_demo_attempts")

    # then attempts were started (which enrols each learner) and submitted
    assert "simulated attempts" in seeded
    with sqlite3.connect(tmp_path / "quayside.sqlite3") as database:
        attempts = database.execute(
            "SELECT count(*) FROM assessments_attempt WHERE status = 'submitted'"
        ).fetchone()[0]
        enrolled = database.execute("SELECT count(*) FROM courses_enrolment").fetchone()[0]
    assert attempts > 0
    assert enrolled > 0
