import json
import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursepackages.api import DEMO_TASKS_DIR
from graders.data import GradeResult, TaskSpec
from practicals.grading import (
    grader,
    infrastructure_error_types,
    task_spec_build,
    task_spec_for_version,
)
from practicals.local_submissions import LocalSubmissionError, local_submission_read
from practicals.models import PracticalTask
from practicals.task_definitions import TaskDefinitionError, task_definition_read

# Exit codes: graded (whatever the verdict) / grading could not run (infrastructure).
EXIT_GRADED = 0
EXIT_INFRASTRUCTURE = 2


class Command(BaseCommand):
    help = (
        "Grade a local Dockerfile, folder or archive synchronously through the grading pipeline "
        "and print the result as JSON. The task comes from <tasks>/<slug>/ (default: the demo "
        "package's tasks/), or with --from-db from the database's current version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--task", required=True, help="the task's slug")
        parser.add_argument("path", type=Path, help="a Dockerfile, a project folder or archive")
        parser.add_argument("--tasks", type=Path, default=DEMO_TASKS_DIR)
        parser.add_argument("--from-db", action="store_true", help="use the loaded version")
        parser.add_argument("--log", action="store_true", help="include the log excerpt")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = self._spec(options["task"], options["tasks"], from_db=options["from_db"])
        try:
            files = local_submission_read(path=options["path"], kind=spec.submission_kind)
        except LocalSubmissionError as error:
            raise CommandError(str(error)) from error

        def progress(phase: str) -> None:
            sys.stderr.write(f"grade: {phase}\n")

        job_id = f"cli-{uuid.uuid4().hex[:12]}"
        try:
            result = grader()(spec, files, job_id=job_id, progress=progress)
        except infrastructure_error_types() as error:
            self.stdout.write(json.dumps(_fault(spec, error), indent=2))
            sys.exit(EXIT_INFRASTRUCTURE)
        self.stdout.write(
            json.dumps(_report(spec, result, with_log=options["log"]), indent=2, default=str)
        )
        if result.verdict == "error":
            sys.exit(EXIT_INFRASTRUCTURE)

    def _spec(self, slug: str, root: Path, *, from_db: bool) -> TaskSpec:
        folder = root / slug
        if not from_db and (folder / "task.yaml").is_file():
            try:
                definition = task_definition_read(folder)
            except TaskDefinitionError as error:
                raise CommandError(str(error)) from error
            return task_spec_build(
                slug=definition.slug,
                version=0,
                submission_kind=definition.submission_kind,
                allowed_base_images=definition.allowed_base_images,
                rubric=definition.rubric_json(),
                pass_percent=definition.pass_percent,
                time_budget_seconds=definition.time_budget_seconds,
                limits=definition.limits,
                starter_files=definition.starter_files,
                images=definition.images,
            )
        task = (
            PracticalTask.objects.select_related("current_version__task").filter(slug=slug).first()
        )
        if task is None or task.current_version is None:
            raise CommandError(f"No task {slug!r} in {root} or in the database.")
        return task_spec_for_version(task.current_version)


def _fault(spec: TaskSpec, error: BaseException) -> dict[str, Any]:
    return {
        "task": spec.slug,
        "status": "error",
        "verdict": "error",
        "score": 0,
        "max_score": sum(item.points for item in spec.rubric),
        "passed": False,
        "reason": f"{type(error).__name__}: {error}",
        "checks": [],
    }


def _report(spec: TaskSpec, result: GradeResult, *, with_log: bool) -> dict[str, Any]:
    report: dict[str, Any] = {
        "task": spec.slug,
        "version": spec.version,
        "status": "done" if result.verdict != "error" else "error",
        "verdict": str(result.verdict),
        "score": result.score,
        "max_score": result.max_score,
        "passed": result.passed,
        "reason": result.reason,
        "checks": [
            {
                "id": check.check_id,
                "passed": check.passed,
                "points": check.points,
                "max_points": check.max_points,
                "message": check.message,
                "section": check.section_slug,
            }
            for check in result.checks
        ],
        "image_digest": result.image_digest,
        "image_size_bytes": result.image_size_bytes,
        "timings": dict(result.timings),
    }
    if with_log:
        report["log_excerpt"] = result.log_excerpt
        report["evidence"] = {check.check_id: dict(check.evidence) for check in result.checks}
    return report
