from pathlib import Path

import pytest

from courses.services import ImportSummary, module_import

DEMO_MODULE = Path(__file__).resolve().parents[2] / "demo/courses/module-1-1-docker-basics.md"
COURSE_SLUG = "docker-basics"


@pytest.fixture(scope="session")
def module_source() -> bytes:
    """The real course file, byte for byte, mojibake and all."""
    return DEMO_MODULE.read_bytes()


@pytest.fixture
def imported_module(db: None, module_source: bytes) -> ImportSummary:
    return module_import(
        source=module_source, course_slug=COURSE_SLUG, source_name=DEMO_MODULE.name
    )
