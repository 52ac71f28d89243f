from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lms.services import ServiceAccountError, service_account_deactivate


class Command(BaseCommand):
    help = "Deactivate a service account's token: every request with it is refused from now on."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            account = service_account_deactivate(name=options["name"])
        except ServiceAccountError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Service account {account.name!r} deactivated.")
