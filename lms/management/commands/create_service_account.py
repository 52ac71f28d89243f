from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lms.services import ServiceAccountError, service_account_create


class Command(BaseCommand):
    help = (
        "Create an LMS service account scoped to courses and learners, and print its token once. "
        "The LMS sends `Authorization: Service <token>` and "
        "`X-On-Behalf-Of: <learner email or id>`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--course", action="append", default=[], help="course slug (repeatable)"
        )
        parser.add_argument(
            "--learner", action="append", default=[], help="learner email (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = service_account_create(
                name=options["name"],
                course_slugs=options["course"],
                learner_emails=options["learner"],
            )
        except ServiceAccountError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Service account {issued.account.name!r} created. Its token:")
        self.stdout.write(issued.token)
        self.stderr.write("Store the token now: only its hash is kept.")
