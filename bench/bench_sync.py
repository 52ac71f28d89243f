"""Course package sync: how long the Docker package takes to sync, cold and again.

Run: .venv/bin/python bench/bench_sync.py [--rounds 3]

(Re)creates the database `quayside_bench_sync` (BENCH_DATABASE_URL overrides), migrates, then
times through `coursepackages.services.course_package_sync`, the path `manage.py sync_course`
and the sync page take:
1. the first sync of the Docker package (content/docker-basics) into an empty database;
2. --rounds dry runs of the same package (validate, load, diff, roll back);
3. --rounds repeated syncs (nothing changes: every loader compares before it writes);
4. the same package as a zip (unpack with its limits, then the repeated sync).
Each repeated sync must report an empty diff; the script exits 1 if one does not.

Prints a table and writes JSON to bench/results/sync-<time>.json.
"""

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from isolation import bench_environment, new_private_var_dir

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS_DIR = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quayside_bench_sync"
)
# A sync enqueues nothing today, but any hook it grows gets a broker of its own.
VAR_DIR = new_private_var_dir("sync")


def _environment() -> None:
    os.environ.update(
        {
            **bench_environment(VAR_DIR),
            "DATABASE_URL": DATABASE_URL,
            "DEBUG": "true",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "quayside.settings",
        }
    )


def _recreate_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _timed(label: str, run: Any) -> dict[str, Any]:
    started = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - started
    print(f"  {label:<28} {seconds:7.2f} s   changed: {outcome.diff.changed}", flush=True)
    return {"label": label, "seconds": round(seconds, 3), "changed": outcome.diff.changed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    _environment()
    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    from coursepackages.api import course_package_sync_folder
    from coursepackages.layout import DEMO_PACKAGE_DIR
    from coursepackages.models import SourceKind
    from coursepackages.services import SyncRequest, course_package_sync
    from coursepackages.sources import package_from_zip

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    print(
        f"Syncing {DEMO_PACKAGE_DIR.relative_to(ROOT)} ({os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f})"
    )
    runs = [_timed("first sync (empty database)", course_package_sync_folder)]
    for number in range(1, arguments.rounds + 1):
        runs.append(_timed(f"dry run {number}", lambda: course_package_sync_folder(dry_run=True)))
    for number in range(1, arguments.rounds + 1):
        runs.append(_timed(f"repeated sync {number}", course_package_sync_folder))
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "docker-basics.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as package:
            for path in sorted(DEMO_PACKAGE_DIR.rglob("*")):
                if path.is_file():
                    package.write(path, path.relative_to(DEMO_PACKAGE_DIR).as_posix())

        def zip_sync() -> Any:
            with package_from_zip(archive) as source:
                request = SyncRequest(source_kind=SourceKind.ZIP)
                return course_package_sync(source=source, request=request, dry_run=False)

        runs.append(_timed("repeated sync from a zip", zip_sync))
    repeated = runs[1:]
    medians = {
        kind: statistics.median(run["seconds"] for run in runs if run["label"].startswith(kind))
        for kind in ("dry run", "repeated sync")
    }
    print(
        f"  median dry run {medians['dry run']:.2f} s, "
        f"median repeated sync {medians['repeated sync']:.2f} s"
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"sync-{stamp}.json").write_text(
        json.dumps({"runs": runs, "medians": medians, "load": os.getloadavg()}, indent=2)
    )
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    if any(run["changed"] for run in repeated):
        print("FAIL: a repeated sync or dry run reported changes")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
