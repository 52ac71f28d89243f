import pytest

from coursepackages.layout import DEMO_COURSE_SLUG as COURSE_SLUG
from coursepackages.layout import DEMO_MODULE_FILE as DEMO_MODULE
from courses.services import ImportSummary, module_import

__all__ = ["COURSE_SLUG", "DEMO_MODULE"]


@pytest.fixture(scope="session")
def module_source() -> bytes:
    """The real course file, byte for byte, mojibake and all."""
    return DEMO_MODULE.read_bytes()


@pytest.fixture
def imported_module(db: None, module_source: bytes) -> ImportSummary:
    return module_import(
        source=module_source, course_slug=COURSE_SLUG, source_name=DEMO_MODULE.name
    )
