from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lms.models import WebhookEvent
from lms.webhooks import WebhookError, webhook_subscribe


class Command(BaseCommand):
    help = (
        "Subscribe a service account's URL to webhook events and print the signing secret once "
        f"(events: {', '.join(WebhookEvent.values)})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the service account")
        parser.add_argument("--url", required=True)
        parser.add_argument("--event", action="append", default=[], help="repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        events = options["event"] or list(WebhookEvent.values)
        try:
            issued = webhook_subscribe(
                account_name=options["name"], url=options["url"], events=events
            )
        except WebhookError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Subscribed {issued.subscription.url} to {', '.join(events)}.")
        self.stdout.write(issued.secret)
        self.stderr.write("Store the secret now; receivers verify signatures with it.")
