"""Make a new Ed25519 signing key active; credentials signed with earlier keys still verify."""

from typing import Any

from django.core.management.base import BaseCommand

from certificates.issuer import issuer_id, key_rotate


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        ring = key_rotate()
        self.stdout.write(f"Active key: {ring.active.verification_method(issuer_id())}")
        self.stdout.write(f"Keys in the ring: {len(ring.public_keys)}")
