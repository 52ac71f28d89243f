"""A benchmark's own var folder and embedded broker, so its jobs never reach the checkout's.

The checkout's var/ belongs to scripts/start: its filesystem broker (var/broker) is what the
next `scripts/start` worker reads. A benchmark that enqueued jobs there (bench_attempts.py
once did: certificate evaluations after each submitted exam) had them run later against the
development database. Every benchmark that starts Django, gunicorn or a worker therefore runs
with `bench_environment(folder)` over a folder from `private_var_dir(name)`, removed at the end.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The embedded (filesystem) broker lives under QUAYSIDE_VAR_DIR/broker; naming it explicitly
# overrides a CELERY_BROKER_URL inherited from the shell (which may be a shared Redis).
PRIVATE_BROKER_URL = "filesystem://"


def new_private_var_dir(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"quayside-bench-{name}-"))


def bench_environment(var_dir: Path, *, broker_url: str = PRIVATE_BROKER_URL) -> dict[str, str]:
    """Environment variables that keep a benchmark's files and jobs inside `var_dir`."""
    return {
        "QUAYSIDE_VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": broker_url,
        "CERTIFICATE_KEY_DIR": str(var_dir / "keys"),
    }


@contextmanager
def private_var_dir(name: str) -> Iterator[Path]:
    """A fresh folder for one run, removed (with any jobs left in its broker) afterwards."""
    folder = new_private_var_dir(name)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
