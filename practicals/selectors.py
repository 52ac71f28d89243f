"""Reads of practical tasks and submissions, with the permission checks in the getters."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.api import staff_module_scope, user_is_instructor
from accounts.models import User
from courses import api as courses_api
from practicals.models import (
    CheckResult,
    EngineHeartbeat,
    GradingRun,
    PracticalTask,
    PracticalTaskVersion,
    Submission,
    SubmissionStatus,
    Verdict,
)
from quayside.errors import NotFoundError
from quayside.scope import ModuleScope, in_scope

# What a learner reads when grading failed on our side (verdict "error"). The run's own reason
# is written for operators (engine faults, harness time-outs) and stays with staff.
LEARNER_ERROR_REASON = (
    "Grading failed because of a problem on our side, not in your submission. "
    "It does not count as an attempt; please submit again, or wait for a regrade."
)


class PracticalTaskNotFoundError(NotFoundError):
    pass


class SubmissionNotFoundError(NotFoundError):
    pass


def task_list_published(*, module_ids: ModuleScope = None) -> QuerySet[PracticalTask]:
    return (
        PracticalTask.objects.filter(in_scope("module_id", module_ids))
        .filter(is_published=True, current_version__isnull=False)
        .select_related("current_version", "module__course")
        .order_by("module__course__title", "module__course__slug", "slug")
    )


def task_get_published(*, slug: str) -> PracticalTask:
    """A published task with its current version; raises PracticalTaskNotFoundError."""
    task = task_list_published().filter(slug=slug).first()
    if task is None:
        raise PracticalTaskNotFoundError(f"No practical task {slug!r}.")
    return task


def task_get_for_instructor(*, slug: str, user: User) -> PracticalTask:
    """Any task (published or not) of a course the instructor teaches; others (other courses,
    learners) get PracticalTaskNotFoundError."""
    if not user_is_instructor(user):
        raise PracticalTaskNotFoundError(f"No practical task {slug!r}.")
    task = (
        PracticalTask.objects.select_related("current_version", "module")
        .filter(in_scope("module_id", staff_module_scope(user)))
        .filter(slug=slug, current_version__isnull=False)
        .first()
    )
    if task is None:
        raise PracticalTaskNotFoundError(f"No practical task {slug!r}.")
    return task


def current_version(task: PracticalTask) -> PracticalTaskVersion:
    version = task.current_version
    if version is None:
        raise PracticalTaskNotFoundError(f"Task {task.slug} has no version yet.")
    return version


def _submissions() -> QuerySet[Submission]:
    return Submission.objects.select_related("task_version__task__module", "learner").defer(
        "content"
    )


def submission_get_for_viewer(*, submission_id: int, user: User) -> Submission:
    """The learner's own submission, or one of a course the viewer teaches; else not found."""
    submissions = _submissions().filter(pk=submission_id)
    if not user_is_instructor(user):
        submissions = submissions.filter(learner=user)
    elif (scope := staff_module_scope(user)) is not None:
        submissions = submissions.filter(
            Q(learner=user) | Q(task_version__task__module_id__in=scope)
        )
    submission = submissions.first()
    if submission is None:
        raise SubmissionNotFoundError(f"No submission {submission_id} of yours.")
    return submission


def submission_get_for_instructor(*, submission_id: int, user: User) -> Submission:
    """A submission of a course the instructor teaches; else SubmissionNotFoundError."""
    if not user_is_instructor(user):
        raise SubmissionNotFoundError(f"No submission {submission_id}.")
    in_courses = in_scope("task_version__task__module_id", staff_module_scope(user))
    submission = _submissions().filter(in_courses, pk=submission_id).first()
    if submission is None:
        raise SubmissionNotFoundError(f"No submission {submission_id}.")
    return submission


def submission_content_get_for_viewer(*, submission_id: int, user: User) -> bytes:
    submission = submission_get_for_viewer(submission_id=submission_id, user=user)
    content = Submission.objects.values_list("content", flat=True).get(pk=submission.pk)
    return bytes(content)


def submission_list_for_learner(*, learner: User, task: PracticalTask) -> QuerySet[Submission]:
    return _submissions().filter(learner=learner, task_version__task=task).order_by("-pk")


def submission_list_for_learner_all(
    *, learner: User, module_ids: ModuleScope = None
) -> QuerySet[Submission]:
    return (
        _submissions()
        .filter(in_scope("task_version__task__module_id", module_ids), learner=learner)
        .order_by("-pk")
    )


def submission_list_for_task(*, task: PracticalTask) -> QuerySet[Submission]:
    return _submissions().filter(task_version__task=task).order_by("-pk")


def attempts_used(*, learner: User, task: PracticalTask) -> int:
    """How many of the task's attempts the learner has used (see counting_as_attempts)."""
    return (
        Submission.objects.filter(learner=learner, task_version__task=task)
        .counting_as_attempts()
        .count()
    )


def run_list_for_submission(*, submission: Submission) -> list[GradingRun]:
    """Every grading run, newest first, with its checks in rubric order."""
    return list(
        GradingRun.objects.filter(submission=submission)
        .select_related("task_version", "requested_by")
        .prefetch_related(Prefetch("checks", queryset=CheckResult.objects.order_by("position")))
        .order_by("-number")
    )


@dataclass(frozen=True)
class SectionLink:
    slug: str
    title: str
    position: int
    url: str


@dataclass(frozen=True)
class CheckForLearner:
    position: int
    check_id: str
    passed: bool
    points: Decimal
    max_points: Decimal
    message: str
    section_slug: str
    # Where to read more; None for a section the module no longer has.
    section: SectionLink | None


@dataclass(frozen=True)
class RunForLearner:
    """What a learner may see of a grading run: the one view for the learner API and the
    portal's run template. A check's evidence and an error's operator text are never in it."""

    number: int
    task_version: int
    trigger: str
    verdict: str
    passed: bool
    score: Decimal
    max_score: Decimal
    reason: str
    checks: tuple[CheckForLearner, ...]
    image_digest: str
    image_size_bytes: int | None
    timings: dict[str, float]
    log_excerpt: str
    finished_at: datetime


def run_for_learner(*, run: GradingRun, section_links: dict[str, SectionLink]) -> RunForLearner:
    """The learner's view of a run loaded by run_list_for_submission (checks prefetched)."""
    return _run_view(run, section_links, reason=run_reason_for_learner(run=run))


def run_for_viewer(
    *, run: GradingRun, viewer: User, section_links: dict[str, SectionLink]
) -> RunForLearner:
    """The learner's view, except that instructors read the reason as recorded (a page shows
    one submission to its learner and to instructors)."""
    return _run_view(run, section_links, reason=run_reason_for_viewer(run=run, viewer=viewer))


def _run_view(
    run: GradingRun, section_links: dict[str, SectionLink], *, reason: str
) -> RunForLearner:
    return RunForLearner(
        number=run.number,
        task_version=run.task_version.number,
        trigger=run.trigger,
        verdict=run.verdict,
        passed=run.verdict == Verdict.PASSED,
        score=run.score,
        max_score=run.max_score,
        reason=reason,
        checks=tuple(
            CheckForLearner(
                position=check.position,
                check_id=check.check_id,
                passed=check.passed,
                points=check.points,
                max_points=check.max_points,
                message=check.message,
                section_slug=check.section_slug,
                section=section_links.get(check.section_slug),
            )
            for check in run.checks.all()
        ),
        image_digest=run.image_digest,
        image_size_bytes=run.image_size_bytes,
        timings=dict(run.timings),
        log_excerpt=run.log_excerpt,
        finished_at=run.finished_at,
    )


def run_reason_for_learner(*, run: GradingRun) -> str:
    """What a learner may read of why a grading run ended: the one rule for every channel (the
    learner API, the portal's run template). The grader writes a refusal's and a failure's reason
    for the learner (what to fix, which required check failed); an error's is operator text,
    replaced by LEARNER_ERROR_REASON; a pass carries none."""
    if run.verdict in {Verdict.REJECTED, Verdict.FAILED}:
        return run.reason
    if run.verdict == Verdict.ERROR:
        return LEARNER_ERROR_REASON
    return ""


def run_reason_for_viewer(*, run: GradingRun, viewer: User) -> str:
    """Instructors read a run's reason as recorded; anyone else what run_reason_for_learner
    allows (a page shows one submission to its learner and to instructors)."""
    if user_is_instructor(viewer):
        return run.reason
    return run_reason_for_learner(run=run)


def section_links_for_module(*, module_id: int) -> dict[str, SectionLink]:
    """{section slug: link into the course reader}, archived sections included (old results)."""
    return {
        section.slug: SectionLink(
            slug=section.slug,
            title=section.title,
            position=section.position,
            url=reverse(
                "courses:section",
                kwargs={
                    "course_slug": section.course_slug,
                    "module_slug": section.module_slug,
                    "section_slug": section.slug,
                },
            ),
        )
        for section in courses_api.section_list_for_module(
            module_id=module_id, include_archived=True
        )
    }


@dataclass(frozen=True)
class SubmissionProgress:
    """What the live progress display shows while (and after) a submission is graded."""

    submission_id: int
    status: str
    status_label: str
    phase: str
    done: bool
    verdict: str
    elapsed_seconds: float
    phase_elapsed_seconds: float
    score: str | None
    max_score: str | None


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return round((now - moment).total_seconds(), 1) if moment else 0.0


def submission_progress_for(*, submission: Submission) -> SubmissionProgress:
    now = timezone.now()
    done = submission.status == SubmissionStatus.DONE
    start = submission.started_at or submission.queued_at
    end = submission.finished_at if done and submission.finished_at else now
    return SubmissionProgress(
        submission_id=submission.pk,
        status=submission.status,
        status_label=submission.get_status_display(),
        phase=submission.phase,
        done=done,
        verdict=submission.verdict if done else "",
        elapsed_seconds=round(max((end - start).total_seconds(), 0.0), 1),
        phase_elapsed_seconds=0.0 if done else _seconds_since(submission.phase_started_at, now),
        score=str(submission.score) if done and submission.score is not None else None,
        max_score=str(submission.max_score) if done and submission.max_score is not None else None,
    )


class EngineState(StrEnum):
    OK = "ok"
    DOWN = "down"  # the worker reports its engine does not answer (or the worker stopped)
    STALE = "stale"  # no report for a while: the worker itself is gone or stuck


@dataclass(frozen=True)
class EngineHealth:
    worker: str
    docker_host: str
    state: EngineState
    detail: str
    consuming: bool
    engine_version: str
    check_runtime: str
    build_cache_entries: int
    build_cache_bytes: int
    leftovers_removed: int
    seconds_since_report: float


def engine_heartbeat_stale_after() -> timedelta:
    """A worker reports every GRADING_ENGINE_HEARTBEAT_SECONDS; three missed reports is stale."""
    return timedelta(seconds=3 * settings.GRADING_ENGINE_HEARTBEAT_SECONDS)


def engine_health(row: EngineHeartbeat, *, now: datetime) -> EngineHealth:
    """One worker's engine as last reported, judged at `now` (stale when reports stopped)."""
    if row.seen_at < now - engine_heartbeat_stale_after():
        state = EngineState.STALE
    else:
        state = EngineState.OK if row.healthy else EngineState.DOWN
    return EngineHealth(
        worker=row.worker,
        docker_host=row.docker_host,
        state=state,
        detail=row.detail,
        consuming=row.consuming,
        engine_version=row.engine_version,
        check_runtime=row.check_runtime,
        build_cache_entries=row.build_cache_entries,
        build_cache_bytes=row.build_cache_bytes,
        leftovers_removed=row.leftovers_removed,
        seconds_since_report=_seconds_since(row.seen_at, now),
    )


def engine_health_list(*, now: datetime | None = None) -> list[EngineHealth]:
    """Every grading worker's engine as last reported, by worker name."""
    now = now or timezone.now()
    return [engine_health(row, now=now) for row in EngineHeartbeat.objects.order_by("worker")]
