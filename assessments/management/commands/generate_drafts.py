from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.drafts import drafts_generate
from courses import api as courses_api


class Command(BaseCommand):
    help = "Generate draft questions from the module's content blocks into the review queue."

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
        summary = drafts_generate(module_id=module_id)
        per_generator = ", ".join(
            f"{name}: {count}" for name, count in sorted(summary.by_generator.items())
        )
        self.stdout.write(
            f"Drafts: {len(summary.created)} new ({per_generator or 'none'}), "
            f"{summary.already_known} generated before."
        )
