import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# These tests run without pytest-django (-p no:django), which is what normally puts the
# project root on sys.path; tests/assessments/ has no __init__.py to make pytest do it.
PROJECT_ROOT = Path(__file__).resolve().parents[3]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


class FixtureReader:
    def text(self, name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    def bytes(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes()


@pytest.fixture
def fixture_text() -> FixtureReader:
    return FixtureReader()
