from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lti.provisioning import RegistrationError, platform_register


class Command(BaseCommand):
    help = (
        "Register an LTI 1.3 platform (or update it): issuer, client id, deployment ids, and "
        "its auth, token and JWKS URLs. Listed deployment ids are activated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="a label, e.g. 'University Moodle'")
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument(
            "--deployment-id", action="append", default=[], help="repeatable; activated"
        )
        parser.add_argument("--auth-url", required=True, help="OIDC authentication endpoint")
        parser.add_argument("--token-url", required=True, help="OAuth 2 access token URL")
        parser.add_argument("--jwks-url", required=True, help="the platform's public key set")
        parser.add_argument("--audience", default="", help="token audience, if not the token URL")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registration, created = platform_register(
                name=options["name"],
                issuer=options["issuer"],
                client_id=options["client_id"],
                deployment_ids=options["deployment_id"],
                auth_url=options["auth_url"],
                token_url=options["token_url"],
                keyset_url=options["jwks_url"],
                audience=options["audience"],
            )
        except RegistrationError as error:
            raise CommandError(str(error)) from None
        verb = "Registered" if created else "Updated"
        deployments = ", ".join(options["deployment_id"]) or "none listed"
        self.stdout.write(
            f"{verb} {registration.name} ({registration.issuer}, client {registration.client_id});"
            f" active deployments: {deployments}."
        )
