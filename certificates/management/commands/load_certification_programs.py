from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.services.programs import (
    CATALOGUE_DIRECTORY,
    ProgramCatalogueError,
    certification_program_load,
)


class Command(BaseCommand):
    help = "Create or update the certification programs described in certificates/catalogue/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", default=str(CATALOGUE_DIRECTORY))

    def handle(self, *args: Any, **options: Any) -> None:
        for path in sorted(Path(options["directory"]).glob("*.yaml")):
            try:
                outcome = certification_program_load(path=path)
            except ProgramCatalogueError as error:
                raise CommandError(str(error)) from None
            state = "created" if outcome.created else "updated" if outcome.changed else "unchanged"
            self.stdout.write(f"Certification program {outcome.slug}: {state}.")
