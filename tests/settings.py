"""Settings for the test run: the project's one settings module, with per-worker resources.

Under pytest-xdist each worker process gets its own cache database and var/ folder, because the
suite empties the cache before every test (Redis FLUSHDB) and writes keys, media and mail under
var/: shared between workers, one test would wipe another's rate-limit counters mid-test.
The test database is already per worker (pytest-django suffixes its name with the worker id).
"""

import os
import re

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# gw0 keeps the configured cache database; gw1, gw2... count down from it (Redis has 0-15; the
# broker tests use 14 and 15, so the defaults leave 12, 11, 10, ... for the caches).
_WORKER_NUMBER = int(_WORKER.removeprefix("gw")) if _WORKER.startswith("gw") else 0

# Set once per worker: a subprocess a test starts inherits the environment, and must keep the
# var folder and cache that test gave it rather than be moved again.
_APPLIED = "QUAYSIDE_TEST_RESOURCES_OF_WORKER"

if _WORKER_NUMBER and os.environ.get(_APPLIED) != _WORKER:
    os.environ[_APPLIED] = _WORKER
    _cache_url = os.environ.get("CACHE_URL", "")
    _match = re.fullmatch(r"(rediss?://[^/]+)/(\d+)", _cache_url)
    if _match:
        os.environ["CACHE_URL"] = f"{_match[1]}/{int(_match[2]) - _WORKER_NUMBER}"
    _var = os.environ.get("QUAYSIDE_VAR_DIR")
    if _var:
        os.environ["QUAYSIDE_VAR_DIR"] = os.path.join(_var, _WORKER)

from quayside.settings import *  # noqa: E402, F403

# Tests create and log in many users; the hashing algorithm is Django's concern, not theirs
# (the default PBKDF2 costs about a second per hash on a busy 2-core machine).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A test database need not survive a power cut: commits skip waiting for the disk (fsync), which
# costs about 4 ms per commit here and dominated the transactional tests and their flushes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
