"""Fixtures for the credentials library tests (no database, no network)."""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    # pytest-django puts manage.py's directory on sys.path; these tests also run with
    # `-p no:django` (the library needs no Django), where nothing else would.
    sys.path.insert(0, str(REPO_ROOT))

import pytest  # noqa: E402
from official_vector import OfficialVector, load_official_vector  # noqa: E402


@pytest.fixture
def vector() -> OfficialVector:
    return load_official_vector()
