from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lti.keys import tool_key_rotate


class Command(BaseCommand):
    help = (
        "Create a new signing key for the LTI tool. The previous key stays in the JWKS for "
        "LTI_KEY_OVERLAP_DAYS; keys replaced longer ago move to the retired/ folder."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        new_key, retired = tool_key_rotate()
        self.stdout.write(f"New signing key {new_key.kid} in {settings.LTI_KEY_DIR}.")
        for key in retired:
            self.stdout.write(f"Retired key {key.kid}.")
