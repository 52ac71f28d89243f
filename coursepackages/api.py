"""What other code (scripts, tests, benchmarks) may ask of course packages."""

from pathlib import Path

from coursepackages.layout import DEMO_PACKAGE_DIR, DEMO_TASKS_DIR
from coursepackages.models import SourceKind
from coursepackages.services import SyncOutcome, SyncRequest, course_package_sync
from coursepackages.sources import package_from_folder

__all__ = ["DEMO_PACKAGE_DIR", "DEMO_TASKS_DIR", "course_package_sync_folder", "demo_module_id"]


def course_package_sync_folder(
    *, path: Path = DEMO_PACKAGE_DIR, dry_run: bool = False
) -> SyncOutcome:
    """Sync the package folder at `path` as `manage.py sync_course PATH` does (operator run)."""
    with package_from_folder(path) as source:
        return course_package_sync(
            source=source, request=SyncRequest(source_kind=SourceKind.FOLDER), dry_run=dry_run
        )


def demo_module_id() -> int:
    """Sync the demo package (the Docker course) and return its main module's id."""
    from courses import api as courses_api

    course_package_sync_folder(path=DEMO_PACKAGE_DIR)
    module_id = courses_api.module_id_for(
        course_slug=courses_api.DEMO_COURSE_SLUG, module_slug=courses_api.DEMO_MODULE_SLUG
    )
    assert module_id is not None
    return module_id
