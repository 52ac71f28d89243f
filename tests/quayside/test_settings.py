"""The settings module is checked in subprocesses: each environment loads it afresh."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq2!vL9zR4@pW8mN1sT6yB3cF5hJ0dG-eU_aQ+oI*lK&rV^wX(nZ)",
    "ALLOWED_HOSTS": "quayside.example",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_manage(tmp_path: Path, *args: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    env |= {"QUAYSIDE_VAR_DIR": str(tmp_path), **overrides}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_are_clean_with_production_settings(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_it_refuses_to_start_without_debug_when_a_required_value_is_missing(tmp_path, missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = run_manage(tmp_path, "check", **env)

    assert result.returncode != 0
    assert f"The environment variable {missing} is required" in result.stderr


def test_it_refuses_a_malformed_boolean_loudly(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="sometimes")

    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean" in result.stderr


def test_embedded_defaults_use_sqlite_and_the_filesystem_broker(tmp_path):
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE']);"
        "print(settings.CELERY_BROKER_URL)"
    )
    env = dict(os.environ)
    for key in ("DATABASE_URL", "CELERY_BROKER_URL"):
        env.pop(key, None)
    env |= {"DEBUG": "true", "QUAYSIDE_VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]
    assert (tmp_path / "broker" / "queue").is_dir()


def test_the_filesystem_broker_writes_only_under_var(tmp_path):
    var, cwd = tmp_path / "var", tmp_path / "elsewhere"
    cwd.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    env |= {"DEBUG": "true", "QUAYSIDE_VAR_DIR": str(var)}
    code = (
        "from quayside.celery import app;"
        "app.send_task('assessments.finalise_expired_attempts', queue='default')"
    )

    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert list(cwd.iterdir()) == []
    assert list((var / "broker" / "queue").iterdir())
    assert (var / "broker" / "control" / "default.exchange").is_file()


def test_celery_keeps_jobs_from_being_lost():
    from django.conf import settings

    from quayside.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert {queue.name for queue in app.conf.task_queues} == {"default", "grading", "certificates"}
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > settings.LONGEST_JOB_SECONDS
    )


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/3", "quayside.cache.RedisCache"),
        ("file:///tmp/quayside-cache", "django.core.cache.backends.filebased.FileBasedCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_the_cache_comes_from_cache_url(tmp_path, url, backend):
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        CACHE_URL=url,
        DEBUG="true",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


def test_the_embedded_cache_is_shared_files_under_var(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "CACHE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.CACHES['default']['LOCATION'])"],
        cwd=ROOT, env={**env, "QUAYSIDE_VAR_DIR": str(tmp_path), "DEBUG": "true"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(tmp_path / "cache")


def test_a_cache_url_of_another_kind_is_refused(tmp_path):
    result = run_manage(tmp_path, "check", CACHE_URL="memcached://127.0.0.1:11211", DEBUG="true")

    assert result.returncode != 0
    assert "CACHE_URL='memcached://127.0.0.1:11211' is not" in result.stderr
