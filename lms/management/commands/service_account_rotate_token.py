from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lms.services import ServiceAccountError, service_account_token_rotate


class Command(BaseCommand):
    help = "Replace a service account's token (the old one stops working) and print the new one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = service_account_token_rotate(name=options["name"])
        except ServiceAccountError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"New token for {issued.account.name!r}:")
        self.stdout.write(issued.token)
        self.stderr.write("Store the token now: only its hash is kept.")
