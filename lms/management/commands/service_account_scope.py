from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lms.services import ServiceAccountError, service_account_scope_change


class Command(BaseCommand):
    help = "Change a service account's scope: add or remove courses (slugs) and learners (emails)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        for flag in ("add-course", "remove-course", "add-learner", "remove-learner"):
            parser.add_argument(f"--{flag}", action="append", default=[], help="repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            account = service_account_scope_change(
                name=options["name"],
                add_courses=options["add_course"],
                remove_courses=options["remove_course"],
                add_learners=options["add_learner"],
                remove_learners=options["remove_learner"],
            )
        except ServiceAccountError as error:
            raise CommandError(str(error)) from None
        courses = ", ".join(account.courses.values_list("slug", flat=True)) or "none"
        self.stdout.write(
            f"{account.name}: courses {courses}; {account.learners.count()} learner(s)."
        )
