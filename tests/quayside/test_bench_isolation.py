"""Benchmarks keep their jobs to themselves: each one that starts Django, gunicorn or a worker
runs with its own var folder and broker, removed afterwards, never the checkout's var/broker
(which the next `scripts/start` would read)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.isolation import bench_environment, private_var_dir

ROOT = Path(__file__).resolve().parents[2]
STARTS_DJANGO = ("quayside.settings", "manage.py", "gunicorn", "celery")
DJANGO_BENCHMARKS = sorted(
    script
    for script in (ROOT / "bench").glob("bench_*.py")
    if any(word in script.read_text(encoding="utf-8") for word in STARTS_DJANGO)
)


def test_the_benchmarks_that_start_django_are_found():
    assert {"bench_attempts.py", "bench_certificates.py"} <= {s.name for s in DJANGO_BENCHMARKS}


@pytest.mark.parametrize("script", DJANGO_BENCHMARKS, ids=lambda path: path.name)
def test_every_benchmark_that_starts_django_uses_its_own_var_folder(script: Path):
    # A benchmark may build its environment in a helper module of bench/ that it imports.
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (script, *_bench_modules_imported_by(script))
    )

    assert "from isolation import" in source
    assert "bench_environment(" in source


def _bench_modules_imported_by(script: Path) -> list[Path]:
    text = script.read_text(encoding="utf-8")
    return [
        module
        for module in (ROOT / "bench").glob("*.py")
        if module != script and f"from {module.stem} import" in text
    ]


def test_the_settings_put_the_broker_inside_the_private_folder(tmp_path: Path):
    environment = {
        **os.environ,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",  # inherited from a shell: overridden
        **bench_environment(tmp_path),
        "DJANGO_SETTINGS_MODULE": "quayside.settings",
        "DEBUG": "true",
    }
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.CELERY_BROKER_URL); "
            "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in'])",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert printed[0] == "filesystem://"
    assert Path(printed[1]).is_relative_to(tmp_path)
    assert not Path(printed[1]).is_relative_to(ROOT / "var")


def test_the_private_folder_and_the_jobs_left_in_it_are_removed():
    with private_var_dir("test") as folder:
        queue = folder / "broker" / "queue"
        queue.mkdir(parents=True)
        (queue / "leftover.msg").write_text("{}")

    assert not folder.exists()
