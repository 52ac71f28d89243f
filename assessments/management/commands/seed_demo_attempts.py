from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.demo_attempts import DEMO_EMAIL_DOMAIN, demo_attempts_seed
from courses import api as courses_api


class Command(BaseCommand):
    help = (
        "Seed simulated attempts by demo learners (labelled '(simulated)', emails at "
        f"{DEMO_EMAIL_DOMAIN}) so the analytics pages have data. Does nothing when seeded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", default=courses_api.DEMO_COURSE_SLUG)
        parser.add_argument("--module", default=courses_api.DEMO_MODULE_SLUG)

    def handle(self, *args: Any, **options: Any) -> None:
        module_id = courses_api.module_id_for(
            course_slug=options["course"], module_slug=options["module"]
        )
        if module_id is None:
            raise CommandError(
                f"No module {options['course']}/{options['module']}: run sync_course first."
            )
        summary = demo_attempts_seed(module_id=module_id)
        if summary.already_seeded:
            self.stdout.write("Demo attempts: already seeded, nothing added.")
        else:
            self.stdout.write(
                f"Demo attempts: {summary.attempts} simulated attempts by "
                f"{summary.learners} demo learners (labelled as simulated)."
            )
