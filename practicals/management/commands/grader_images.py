from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from docker.errors import DockerException

from graders.sandbox.images import DEFAULT_CATALOG, ImageAction, ensure_base_images
from practicals.engine import docker_client


class Command(BaseCommand):
    help = (
        "Make the grader's allowed base images available in the engine (pull, or build labelled "
        "stand-ins offline). Idempotent: images already present are left alone; Debian root "
        "filesystems are cached."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--cache-dir", type=Path, default=settings.GRADER_IMAGE_CACHE_DIR)
        parser.add_argument("--no-pull", action="store_true", help="skip the registry attempt")
        parser.add_argument("--mirror", help="Debian mirror (default: the one apt uses)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = docker_client()
        except DockerException as error:
            raise CommandError(
                f"the Docker engine at {settings.DOCKER_HOST} is unreachable: {error}"
            ) from error
        outcomes = ensure_base_images(
            client,
            DEFAULT_CATALOG,
            cache_dir=options["cache_dir"],
            try_pull=not options["no_pull"],
            mirror=options["mirror"],
        )
        for outcome in outcomes:
            image_id = (outcome.image_id or "-")[:19]
            self.stdout.write(
                f"  {outcome.reference:<28} {outcome.action:<8} {image_id:<19} "
                f"{outcome.seconds:6.1f}s  {outcome.detail}"
            )
        failed = [outcome.reference for outcome in outcomes if outcome.action is ImageAction.FAILED]
        if failed:
            raise CommandError(f"could not make these base images available: {', '.join(failed)}")
