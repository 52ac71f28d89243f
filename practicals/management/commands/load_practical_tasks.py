from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses import api as courses_api
from practicals.services.practical_tasks import practical_tasks_load
from practicals.task_definitions import TaskDefinitionError


class Command(BaseCommand):
    help = (
        "Create or update the practical tasks defined in graders/tasks/<slug>/ (task.yaml and "
        "starter/). Idempotent: an unchanged task is left alone; a changed one gets a new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", default=courses_api.DEMO_COURSE_SLUG)
        parser.add_argument("--module", default=courses_api.DEMO_MODULE_SLUG)
        parser.add_argument("--tasks", type=Path, default=settings.GRADER_TASKS_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        module_id = courses_api.module_id_for(
            course_slug=options["course"], module_slug=options["module"]
        )
        if module_id is None:
            raise CommandError(
                f"No module {options['course']}/{options['module']}: run import_course first."
            )
        try:
            outcomes = practical_tasks_load(root=options["tasks"], module_id=module_id)
        except TaskDefinitionError as error:
            raise CommandError(str(error)) from error
        for outcome in outcomes:
            self.stdout.write(f"  {outcome.slug:<40} v{outcome.version:<3} {outcome.action}")
        counts = dict.fromkeys(("created", "new version", "unchanged"), 0)
        for outcome in outcomes:
            counts[outcome.action.value] += 1
        self.stdout.write(
            f"Practical tasks: {counts['created']} created, {counts['new version']} with a new "
            f"version, {counts['unchanged']} unchanged."
        )
