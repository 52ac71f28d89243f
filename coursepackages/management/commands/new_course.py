"""manage.py new_course SLUG [--from-markdown FILE] [--title T] [--directory DIR]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursepackages.layout import CONTENT_DIR
from coursepackages.skeleton import SkeletonError, course_skeleton_write


class Command(BaseCommand):
    help = (
        "Write a skeleton course package (course.yaml, a module, bank, assessments, a task, "
        "certification) that `sync_course` accepts as it is. See docs/course-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The course slug, e.g. kubernetes-basics.")
        parser.add_argument("--from-markdown", type=Path, help="A module's Markdown to start from.")
        parser.add_argument("--title", default="", help="The course title.")
        parser.add_argument(
            "--directory", type=Path, help="Where to write it (default: content/SLUG)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["slug"]
        root: Path = options["directory"] or CONTENT_DIR / slug
        try:
            skeleton = course_skeleton_write(
                root=root, slug=slug, title=options["title"], markdown=options["from_markdown"]
            )
        except SkeletonError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote the package {skeleton.root}:")
        for name in skeleton.files:
            self.stdout.write(f"  {name}")
        self.stdout.write(f"Sync it with: manage.py sync_course {skeleton.root}")
