"""What other apps may ask of practical grading. Plain values out; no model crosses this door."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from practicals.models import GradingRun, Submission, Verdict

SubmissionGradedSubscriber = Callable[[int], None]
_submission_graded_subscribers: list[SubmissionGradedSubscriber] = []


def subscribe_submission_graded(subscriber: SubmissionGradedSubscriber) -> None:
    """`subscriber(submission_id)` runs inside the transaction that stores a grading run.

    A subscriber writes what it must remember in that transaction (so it is kept exactly when
    the run is) and defers any message with `quayside.enqueue.enqueue_after_commit`.
    """
    if subscriber not in _submission_graded_subscribers:
        _submission_graded_subscribers.append(subscriber)


def submission_graded(*, submission_id: int) -> None:
    for subscriber in list(_submission_graded_subscribers):
        subscriber(submission_id)


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


def submission_learner_id(*, submission_id: int) -> int | None:
    return Submission.objects.filter(pk=submission_id).values_list("learner_id", flat=True).first()


def task_result_for_learner(*, learner_id: int, task_slug: str) -> TaskResult | None:
    """The learner's best graded submission of the task (a passing one if any), or None."""
    # A submission being regraded keeps its last run's result until the new run is stored.
    submissions = (
        Submission.objects.filter(
            learner_id=learner_id, task_version__task__slug=task_slug, runs__isnull=False
        )
        .distinct()
        .select_related("task_version__task")
        .defer("content")
    )
    best: tuple[Submission, GradingRun] | None = None
    for submission in submissions:
        run = submission.runs.order_by("-number").first()
        if run is None or run.verdict == Verdict.ERROR:
            continue
        key = (run.verdict == Verdict.PASSED, run.score, run.finished_at)
        if best is None or key > (
            best[1].verdict == Verdict.PASSED,
            best[1].score,
            best[1].finished_at,
        ):
            best = (submission, run)
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
class GradingEngineState:
    """One grading worker's engine, as readiness reports it (no addresses, no error text)."""

    worker: str
    state: str  # "ok", "down" or "stale"
    consuming: bool
    seconds_since_report: float


def grading_engines() -> list[GradingEngineState]:
    """Every grading engine as its worker last reported it; empty before any worker reported."""
    from practicals.selectors import engine_health_list

    return [
        GradingEngineState(
            worker=health.worker,
            state=str(health.state),
            consuming=health.consuming,
            seconds_since_report=health.seconds_since_report,
        )
        for health in engine_health_list()
    ]
