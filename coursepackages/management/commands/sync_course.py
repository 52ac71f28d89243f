"""manage.py sync_course PATH|ZIP|GIT_URL|--demo [--branch B] [--dry-run]"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursepackages.layout import DEMO_PACKAGE_DIR
from coursepackages.models import SourceKind
from coursepackages.problems import PackageInvalid
from coursepackages.services import SyncRequest, course_package_sync
from coursepackages.sources import PackageSourceError, package_open, source_kind_of


class Command(BaseCommand):
    help = (
        "Validate a course package (folder, zip or git URL) and sync it all or nothing; prints "
        "the diff per kind. With --dry-run nothing is written. See docs/course-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "location", nargs="?", default="", help="A package folder, a .zip file or a git URL."
        )
        parser.add_argument(
            "--demo", action="store_true", help="The demo package (the Docker course)."
        )
        parser.add_argument("--branch", default="", help="The git branch (git URLs only).")
        parser.add_argument("--dry-run", action="store_true", help="Show the diff; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        location: str = str(DEMO_PACKAGE_DIR) if options["demo"] else options["location"]
        if not location:
            raise CommandError("Name a package (folder, zip or git URL) or use --demo.")
        kind = source_kind_of(location)
        request = SyncRequest(
            source_kind=SourceKind(kind),
            git_url=location if kind == SourceKind.GIT else "",
            git_branch=options["branch"],
        )
        try:
            with package_open(location, branch=options["branch"]) as source:
                outcome = course_package_sync(
                    source=source, request=request, dry_run=options["dry_run"]
                )
        except PackageSourceError as error:
            raise CommandError(f"{location}: {error}") from None
        except PackageInvalid as invalid:
            raise CommandError(
                "The package was not synced; nothing was written:\n"
                + "\n".join(str(problem) for problem in invalid.problems)
            ) from None
        verb = "would change (dry run)" if options["dry_run"] else "synced"
        self.stdout.write(f"Course {outcome.course_slug}: {verb} in {outcome.duration_ms} ms")
        for line in outcome.diff.report_lines():
            self.stdout.write(f"  {line}")
