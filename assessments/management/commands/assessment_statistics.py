"""manage.py assessment_statistics: Moodle's item and test statistics as JSON or CSV, from a
response matrix in a CSV file or from an assessment's attempts in the database."""

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from assessments.models import Assessment
from assessments.selectors.statistics import assessment_statistics_compute, selection_default
from assessments.statistics import (
    AttemptSelection,
    StatisticsReport,
    report_as_json,
    statistics_compute,
)
from assessments.statistics.csv_responses import CsvResponsesError, responses_read
from assessments.statistics.report import items_csv_rows

# The encoding the CSV is read in; a byte-order mark, as spreadsheets write it, is skipped.
CSV_ENCODING = "utf-8-sig"


class Command(BaseCommand):
    help = (
        "Item and test statistics (Moodle's quiz statistics) of a response matrix "
        "(--responses FILE.csv with columns attempt,item,mark,max_mark[,response,slot,learner]) "
        "or of an assessment's submitted attempts (--assessment SLUG)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--responses", metavar="FILE.csv", help="a CSV file, or - for stdin")
        source.add_argument("--assessment", metavar="SLUG")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--attempts",
            choices=[selection.value for selection in AttemptSelection],
            help="which attempts of each learner count (default: all for a CSV, the "
            "assessment's grading method for --assessment)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = options["attempts"]
        if options["responses"]:
            report = self._from_csv(options["responses"], chosen)
        else:
            report = self._from_database(options["assessment"], chosen)
        self._write(report, options["format"], self.stdout)

    def _from_csv(self, name: str, chosen: str | None) -> StatisticsReport:
        try:
            if name == "-":
                read = responses_read(sys.stdin, source="<stdin>")
            else:
                with Path(name).open(encoding=CSV_ENCODING, newline="") as lines:
                    read = responses_read(lines, source=name)
        except OSError as error:
            raise CommandError(f"{name}: cannot read: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{name}: not UTF-8 text ({error.reason})") from None
        except CsvResponsesError as error:
            raise CommandError(str(error)) from None
        for column in read.ignored_columns:
            self.stderr.write(f"{name}: ignoring unknown column {column!r}")
        selection = AttemptSelection(chosen or AttemptSelection.ALL)
        if selection != AttemptSelection.ALL and not read.has_learners:
            raise CommandError(
                f"--attempts {selection} needs a learner column in {name}: "
                "without it every attempt counts (--attempts all)"
            )
        return statistics_compute(matrix=read.matrix, attempts=read.attempts, selection=selection)

    def _from_database(self, slug: str, chosen: str | None) -> StatisticsReport:
        assessment = Assessment.objects.filter(slug=slug).first()
        if assessment is None:
            raise CommandError(f"No assessment {slug!r}.")
        selection = AttemptSelection(chosen) if chosen else selection_default(assessment=assessment)
        return assessment_statistics_compute(assessment=assessment, selection=selection).report

    def _write(self, report: StatisticsReport, output_format: str, out: OutputWrapper) -> None:
        if output_format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerows(items_csv_rows(report))
            return
        out.write(json.dumps(report_as_json(report), indent=2, allow_nan=False) + "\n")
