from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.catalogue import CATALOGUE_DIRECTORY, CatalogueError, assessments_load
from courses import api as courses_api


class Command(BaseCommand):
    help = "Create or update the module's section quizzes, final exam and practice quiz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", default=courses_api.DEMO_COURSE_SLUG)
        parser.add_argument("--module", default=courses_api.DEMO_MODULE_SLUG)
        parser.add_argument(
            "--catalogue", default=str(CATALOGUE_DIRECTORY / "module-1-1-docker-basics.yaml")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        module_id = courses_api.module_id_for(
            course_slug=options["course"], module_slug=options["module"]
        )
        if module_id is None:
            raise CommandError(
                f"No module {options['course']}/{options['module']}: run import_course first."
            )
        try:
            summary = assessments_load(module_id=module_id, path=Path(options["catalogue"]))
        except CatalogueError as error:
            raise CommandError(
                "The catalogue was not loaded:\n" + "\n".join(f"  {p}" for p in error.problems)
            ) from None
        self.stdout.write(
            f"Assessments: {len(summary.created)} created, {len(summary.updated)} updated, "
            f"{len(summary.unchanged)} unchanged."
        )
