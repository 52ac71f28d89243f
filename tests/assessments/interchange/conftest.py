import sys
from pathlib import Path

import pytest

# These tests run without pytest-django (-p no:django), which is what normally puts the
# project root on sys.path; tests/assessments/ has no __init__.py to make pytest do it.
PROJECT_ROOT = Path(__file__).resolve().parents[3]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from .fixture_files import FixtureReader  # noqa: E402 (needs the path set above)


@pytest.fixture
def fixture_text() -> FixtureReader:
    return FixtureReader()
