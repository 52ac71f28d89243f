import json
from typing import Any

from django.core.management.base import BaseCommand

from lti.tool_configuration import tool_configuration


class Command(BaseCommand):
    help = (
        "Print the tool's LTI 1.3 configuration as JSON: OIDC login initiation URL, target "
        "link URI, redirect URIs, JWKS URL, deep-linking URL and the scopes it asks for."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(tool_configuration(), indent=2))
