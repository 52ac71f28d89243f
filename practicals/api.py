"""What other apps may ask of practical grading. Plain values out; no model crosses this door."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from practicals.models import CheckResult, GradingRun, PracticalTask, Submission, Verdict
from practicals.selectors import engine_health_list

# Re-exported: a course package's sync loads its tasks through this door.
from practicals.services.practical_tasks import practical_tasks_load as practical_tasks_load
from practicals.services.practical_tasks import (
    practical_tasks_retire_missing as practical_tasks_retire_missing,
)
from practicals.task_definitions import TaskDefinitionError as TaskDefinitionError


def submission_owner(*, submission_id: int) -> tuple[int, str] | None:
    """(learner id, task slug) of a submission, or None if there is no such submission."""
    row = (
        Submission.objects.filter(pk=submission_id)
        .values_list("learner_id", "task_version__task__slug")
        .first()
    )
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True)
class TaskResult:
    task_slug: str
    task_title: str
    passed: bool
    submission_id: int
    score: Decimal
    max_score: Decimal
    image_digest: str
    graded_at: datetime


def submission_module_id(*, submission_id: int) -> int | None:
    return (
        Submission.objects.filter(pk=submission_id)
        .values_list("task_version__task__module_id", flat=True)
        .first()
    )


def submission_learner_id(*, submission_id: int) -> int | None:
    return Submission.objects.filter(pk=submission_id).values_list("learner_id", flat=True).first()


def task_result_for_learner(
    *, learner_id: int, task_slug: str, submitted_since: datetime | None = None
) -> TaskResult | None:
    """The learner's best graded submission of the task (a passing one if any), or None.

    With `submitted_since`, only submissions made at or after it count (a new certification
    cycle counts only new evidence).
    """
    # A submission being regraded keeps its last run's result until the new run is stored.
    submissions = Submission.objects.filter(
        learner_id=learner_id, task_version__task__slug=task_slug
    )
    if submitted_since is not None:
        submissions = submissions.filter(queued_at__gte=submitted_since)
    latest_run = GradingRun.objects.filter(submission_id=OuterRef("pk")).order_by("-number")
    # One query, however many submissions: the latest run of each, with its submission's task.
    runs = (
        GradingRun.objects.filter(
            pk__in=submissions.annotate(latest=Subquery(latest_run.values("pk")[:1])).values(
                "latest"
            )
        )
        .exclude(verdict=Verdict.ERROR)
        .select_related("submission__task_version__task")
        .defer("submission__content")
    )
    best: tuple[Submission, GradingRun] | None = None
    for run in runs:
        key = (run.verdict == Verdict.PASSED, run.score, run.finished_at)
        if best is None or key > (
            best[1].verdict == Verdict.PASSED,
            best[1].score,
            best[1].finished_at,
        ):
            best = (run.submission, run)
    if best is None:
        return None
    submission, run = best
    return TaskResult(
        task_slug=task_slug,
        task_title=submission.task_version.task.title,
        passed=run.verdict == Verdict.PASSED,
        submission_id=submission.pk,
        score=run.score,
        max_score=run.max_score,
        image_digest=run.image_digest,
        graded_at=run.finished_at,
    )


@dataclass(frozen=True)
class CheckFailureRate:
    check_id: str
    # The section the check tests (a slug of the task's module).
    section_slug: str
    runs: int
    failed: int

    @property
    def percent_failed(self) -> float:
        return 100 * self.failed / self.runs if self.runs else 0.0


@dataclass(frozen=True)
class TaskCheckFailures:
    task_slug: str
    task_title: str
    submissions: int
    checks: list[CheckFailureRate]


def check_failure_rates(*, module_id: int) -> list[TaskCheckFailures]:
    """For each practical task of the module, how often each rubric check failed, over the latest
    grading run of every graded submission (a regrade replaces the earlier run; runs that ended
    in an infrastructure error judged nothing and are left out). Two queries."""
    runs = GradingRun.objects.filter(
        submission__task_version__task__module_id=module_id
    ).values_list("pk", "submission_id", "number", "verdict")
    latest: dict[int, tuple[int, int, str]] = {}
    for run_id, submission_id, number, verdict in runs:
        held = latest.get(submission_id)
        if held is None or number > held[1]:
            latest[submission_id] = (run_id, number, verdict)
    run_ids = [run_id for run_id, _, verdict in latest.values() if verdict != Verdict.ERROR]
    results = (
        CheckResult.objects.filter(run_id__in=run_ids)
        .order_by("run__task_version__task__slug", "position")
        .values_list(
            "run__task_version__task__slug",
            "run__task_version__task__title",
            "run_id",
            "check_id",
            "section_slug",
            "passed",
        )
    )
    tasks: dict[str, tuple[str, set[int], dict[tuple[str, str], list[int]]]] = {}
    for slug, title, run_id, check_id, section_slug, passed in results:
        _, graded, checks = tasks.setdefault(slug, (title, set(), {}))
        graded.add(run_id)
        counts = checks.setdefault((check_id, section_slug), [0, 0])
        counts[0] += 1
        counts[1] += 0 if passed else 1
    return [
        TaskCheckFailures(
            task_slug=slug,
            task_title=title,
            submissions=len(graded),
            checks=[
                CheckFailureRate(check_id=check, section_slug=section, runs=runs, failed=failed)
                for (check, section), (runs, failed) in checks.items()
            ],
        )
        for slug, (title, graded, checks) in tasks.items()
    ]


def task_titles() -> list[tuple[str, str]]:
    """Every published practical task as (slug, title): what an LMS can place."""
    return list(
        PracticalTask.objects.filter(is_published=True)
        .order_by("title", "slug")
        .values_list("slug", "title")
    )


def task_module_id(*, slug: str) -> int | None:
    return PracticalTask.objects.filter(slug=slug).values_list("module_id", flat=True).first()


@dataclass(frozen=True)
class GradingEngineState:
    """One grading worker's engine, as readiness reports it (no addresses, no error text)."""

    worker: str
    state: str  # "ok", "down" or "stale"
    consuming: bool
    seconds_since_report: float


def grading_engines() -> list[GradingEngineState]:
    """Every grading engine as its worker last reported it; empty before any worker reported."""
    return [
        GradingEngineState(
            worker=health.worker,
            state=str(health.state),
            consuming=health.consuming,
            seconds_since_report=health.seconds_since_report,
        )
        for health in engine_health_list()
    ]


def task_course_id(*, slug: str) -> int | None:
    """The course a practical task belongs to (an LMS placement enrols into it)."""
    rows = PracticalTask.objects.filter(slug=slug).values_list("module__course_id", flat=True)
    return rows.first()
