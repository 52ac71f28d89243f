"""manage.py import_course PATH [--course-slug SLUG] [--course-title TITLE]"""

import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from courses.importer import CourseImportError
from courses.services import module_import_file

_MODULE_FILE_PREFIX = re.compile(r"^module-\d+(-\d+)*-")


def default_course_slug(path: Path) -> str:
    """ "module-1-1-docker-basics.md" → "docker-basics": the course a module file belongs to."""
    return _MODULE_FILE_PREFIX.sub("", path.stem) or path.stem


class Command(BaseCommand):
    help = "Import (or re-import) a course module Markdown file. Safe to run repeatedly."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The module's Markdown file.")
        parser.add_argument(
            "--course-slug",
            help="The course to import into (created if missing). Default: from the file name, "
            "e.g. module-1-1-docker-basics.md → docker-basics.",
        )
        parser.add_argument("--course-title", default="", help="Title for a new course.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            summary = module_import_file(
                path=path,
                course_slug=options["course_slug"] or default_course_slug(path),
                course_title=options["course_title"],
            )
        except CourseImportError as error:
            raise CommandError(f"{path}: {error}") from error
        for line in summary.report_lines():
            self.stdout.write(line)
