from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import Role
from accounts.services import user_ensure

# Demo accounts for a local trial run; scripts/start prints them. Never used in production.
DEMO_ACCOUNTS = (
    ("learner@quayside.localhost", "learn-docker-now", "Demo Learner", Role.LEARNER),
    ("instructor@quayside.localhost", "teach-docker-now", "Demo Instructor", Role.INSTRUCTOR),
)


class Command(BaseCommand):
    help = "Create (or reset) the demo learner and demo instructor accounts and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        for email, password, display_name, role in DEMO_ACCOUNTS:
            user_ensure(email=email, password=password, display_name=display_name, role=role)
            self.stdout.write(f"  {role.label:<11} {email}  password: {password}")
