from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.bank import BANK_DIRECTORY, BankError, question_bank_load
from courses import api as courses_api


class Command(BaseCommand):
    help = "Load the question bank files (assessments/bank/*.yaml) into the database, idempotently."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", default=str(BANK_DIRECTORY))
        parser.add_argument("--course", default=courses_api.DEMO_COURSE_SLUG)
        parser.add_argument("--module", default=courses_api.DEMO_MODULE_SLUG)

    def handle(self, *args: Any, **options: Any) -> None:
        module_id = courses_api.module_id_for(
            course_slug=options["course"], module_slug=options["module"]
        )
        if module_id is None:
            raise CommandError(
                f"No module {options['course']}/{options['module']}: run import_course first."
            )
        try:
            summary = question_bank_load(module_id=module_id, directory=Path(options["directory"]))
        except BankError as error:
            raise CommandError(
                "The question bank has problems:\n" + "\n".join(error.problems)
            ) from None
        self.stdout.write(
            f"Question bank: {len(summary.created)} created, {len(summary.revised)} revised, "
            f"{len(summary.unchanged)} unchanged."
        )
