"""Grade one practical submission: unpack, static checks, screen, build, run, probe, clean up.

    grade_submission(task, submission, *, client, job_id, progress=..., cache=None,
                     build_cache=None) -> GradeResult

Contract for the caller (the Celery task):
- Everything the learner caused ends as a verdict: REJECTED (unsafe or invalid input refused
  before anything ran: a bad archive, a remote ADD, a base image off the list, a command
  outside the accepted subset), FAILED or PASSED.
- Infrastructure faults raise `InfrastructureError` (engine unreachable, Docker API errors not
  caused by the learner, hadolint missing, a task's own image failing to build): retry, and do
  not count the attempt.
- Everything created for the job (containers, networks, images, build cgroups) is removed
  before returning or raising (`job_scope`), and the whole job respects
  `task.time_budget_seconds`: checks still waiting when it runs out fail as "not checked".
- `progress` is called with "static", "build", "run", "probe" and "cleanup" as phases start.
  With a `build_cache`, the learner's build reuses cached layers and a graded build's images
  are handed over to that bounded cache instead (`graders.sandbox.buildcache`).
- Idempotent: grading the same submission twice gives the same result (timings aside, and
  the values drawn per job for the app checks, which their messages quote).
- A rubric item marked `required` must pass for the verdict to be PASSED, whatever the score;
  the result's `reason` names the required checks that failed.
"""

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import docker
import requests

from graders.archives import ArchiveRejectedError, unpack_archive
from graders.cache import DEFAULT_CACHE, TaskImageCache
from graders.checks import CHECKS, Phase
from graders.checks.base import NOT_BUILT_MESSAGE, OUT_OF_TIME_MESSAGE, Finding
from graders.checks.context import GradingContext
from graders.checks.service import run_limits
from graders.commands_runner import CommandsRejectedError, plan_commands, run_commands
from graders.data import (
    CheckOutcome,
    GradeResult,
    RubricItem,
    SubmissionFiles,
    SubmissionKind,
    TaskSpec,
    Verdict,
)
from graders.docker_cli_images import image_reference
from graders.dockerignore import ignore_file_name
from graders.errors import InfrastructureError
from graders.sandbox.build import BuildLimits, BuildStatus, build_image
from graders.sandbox.buildcache import LearnerBuildCache
from graders.sandbox.buildleftovers import (
    CLEANUP_WAIT_SECONDS,
    CLOCK_SLACK_SECONDS,
    remove_image_trees,
)
from graders.sandbox.cgroups import CgroupUnavailableError
from graders.sandbox.logcap import CappedLog
from graders.sandbox.prescreen import screen_dockerfile
from graders.sandbox.scope import job_scope

logger = logging.getLogger(__name__)

DOCKERFILE = "Dockerfile"
# Time kept back from the build for running and probing the image and for cleanup.
RUN_RESERVE_SECONDS = 20.0
# The shortest build deadline worth starting; below it the budget is simply spent.
MIN_BUILD_SECONDS = 5.0
REQUIRED_FAILED_REASON = (
    "Not passed, whatever the score: the task requires {checks} to pass (see the message of "
    "each below)."
)
INFRASTRUCTURE_ERRORS = (
    docker.errors.DockerException,
    requests.exceptions.RequestException,
    CgroupUnavailableError,
)

Progress = Callable[[str], None]


class SubmissionRejectedError(ValueError):
    """Refused before anything ran; the message is the learner-facing reason."""


@dataclass
class _Job:
    task: TaskSpec
    context: GradingContext
    progress: Progress
    build_cache: LearnerBuildCache | None = None
    timings: dict[str, float] = field(default_factory=dict)
    # By position in the rubric: checks run phase by phase, results are shown in rubric order.
    outcomes: dict[int, CheckOutcome] = field(default_factory=dict)
    app_log: str = ""

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.progress(name)
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.monotonic() - started, 3)


def validate_rubric(task: TaskSpec) -> None:
    """Raise ValueError if the rubric names a check that does not exist or gives a check params
    it cannot use (task authoring bugs, caught when the task is loaded)."""
    unknown = sorted({item.check_id for item in task.rubric} - set(CHECKS))
    if unknown:
        raise ValueError(f"task {task.slug}: unknown check ids {', '.join(unknown)}")
    for item in task.rubric:
        try:
            CHECKS[item.check_id].validate_params(item.params)
        except ValueError as error:
            raise ValueError(f"task {task.slug}: check {item.check_id}: {error}") from error


def grade_submission(
    task: TaskSpec,
    submission: SubmissionFiles,
    *,
    client: docker.DockerClient,
    job_id: str,
    progress: Progress = lambda phase: None,
    cache: TaskImageCache | None = None,
    build_cache: LearnerBuildCache | None = None,
) -> GradeResult:
    """Grade `submission` against `task`; see the module docstring for the contract."""
    validate_rubric(task)
    started = time.monotonic()
    context = GradingContext(
        task=task,
        job_id=job_id,
        deadline=started + task.time_budget_seconds,
        client=client,
        cache=cache or DEFAULT_CACHE,
    )
    if build_cache is not None and not build_cache.enabled:
        build_cache = None
    job = _Job(task=task, context=context, progress=progress, build_cache=build_cache)
    try:
        result = _grade(job, submission)
    except SubmissionRejectedError as rejected:
        result = _rejected(task, str(rejected), job.timings)
    except InfrastructureError:
        raise
    except INFRASTRUCTURE_ERRORS as error:
        logger.warning("grading job %s hit an infrastructure fault: %s", job_id, error)
        raise InfrastructureError(f"grading job {job_id}: {error}") from error
    timings = {**result.timings, "total": round(time.monotonic() - started, 3)}
    return replace(result, timings=timings)


def _grade(job: _Job, submission: SubmissionFiles) -> GradeResult:
    context, task = job.context, job.task
    with job.phase("static"):
        _prepare(context, submission)
        _run_checks(job, Phase.STATIC)
    cleanup_started: float | None = None
    retained = False
    try:
        with job_scope(context.engine(), context.job_id) as scope:
            with job.phase("build"):
                _build(job)
                _run_checks(job, Phase.BUILD)
            if _needs_network(task):
                context.network = scope.network().name
            with job.phase("run"):
                _run_commands(job)
                _run_checks(job, Phase.RUN)
            with job.phase("probe"):
                _run_checks(job, Phase.PROBE)
            job.progress("cleanup")
            cleanup_started = time.monotonic()
            app = context.started_app()
            if app is not None:
                job.app_log = app.logs(task.limits.log_cap_bytes)
            retained = _retain_build(job)
        if not retained:
            _remove_stage_images(context)
    finally:
        if cleanup_started is not None:
            job.timings["cleanup"] = round(time.monotonic() - cleanup_started, 3)
    return _result(job)


def _retain_build(job: _Job) -> bool:
    """Hand a successful build's images over to the build cache; True if they were kept."""
    build = job.context.build
    if job.build_cache is None or build is None or build.status != BuildStatus.OK:
        return False
    kept = job.build_cache.retain(
        job.context.engine(),
        job_id=job.context.job_id,
        image_ids=build.stage_image_ids,
        reused=build.step_image_ids,
    )
    return bool(kept)


def _remove_stage_images(context: GradingContext) -> None:
    """Delete what the stages before the final one committed.

    Only the final image carries the job label; a multi-stage build's earlier stages leave
    untagged images that `job_scope` cannot see. They are found by the step image ids the build
    reported, restricted to untagged images created since the build started (base images are
    tagged and old), and deleted as trees from their leaves, bounded in time (the janitor
    finishes what is left).
    """
    build = context.build
    if build is None:
        return
    client = context.engine()
    steps = set(build.step_image_ids)
    ours = {
        str(summary["Id"]): str(summary["ParentId"])
        for summary in client.api.images(all=True)
        if str(summary["Id"]).removeprefix("sha256:")[:12] in steps
        and summary["Created"] >= context.build_started_at - CLOCK_SLACK_SECONDS
        and not any(tag != "<none>:<none>" for tag in summary.get("RepoTags") or [])
    }
    if ours and not remove_image_trees(
        client, ours, job_id=context.job_id, wait_seconds=CLEANUP_WAIT_SECONDS
    ):
        logger.info("job %s: stage images are being deleted in the background", context.job_id)


def _prepare(context: GradingContext, submission: SubmissionFiles) -> None:
    """Fill the context with the files to build (or the commands to run) and screen them."""
    task = context.task
    if submission.kind != task.submission_kind:
        raise SubmissionRejectedError(
            f"This task takes a {task.submission_kind} submission, not a {submission.kind}."
        )
    if submission.kind == SubmissionKind.COMMANDS:
        text = _text(submission.content, "The commands")
        try:
            plan = plan_commands(text, images=tuple(task.images))
        except CommandsRejectedError as rejected:
            raise SubmissionRejectedError(str(rejected)) from rejected
        context.commands_plan = plan
        return
    if submission.kind == SubmissionKind.DOCKERFILE:
        learner = {DOCKERFILE: submission.content}
    else:
        try:
            learner = unpack_archive(submission.file_name, submission.content, task.limits)
        except ArchiveRejectedError as rejected:
            raise SubmissionRejectedError(str(rejected)) from rejected
        if DOCKERFILE not in learner:
            raise SubmissionRejectedError(
                "The archive has no `Dockerfile` at its top level (next to your app's files)."
            )
    # The task's files are authoritative: a learner's copy of one is ignored, so the app graded
    # is the app the task gave.
    context.files = {**learner, **task.provided_files, DOCKERFILE: learner[DOCKERFILE]}
    ignore_name = ignore_file_name(learner, dockerfile=DOCKERFILE)
    if ignore_name is not None:
        context.files[ignore_name] = learner[ignore_name]
        context.dockerignore_text = _text(learner[ignore_name], "The .dockerignore")
    context.dockerfile_text = _text(learner[DOCKERFILE], "The Dockerfile")
    rejection = screen_dockerfile(context.dockerfile_text, frozenset(task.allowed_base_images))
    if rejection is not None:
        raise SubmissionRejectedError(
            f"Dockerfile line {rejection.line}: {rejection.reason}. It was not built."
        )


def _text(content: bytes, what: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SubmissionRejectedError(f"{what} is not UTF-8 text.") from error


def _needs_network(task: TaskSpec) -> bool:
    return task.submission_kind != SubmissionKind.COMMANDS and any(
        CHECKS[item.check_id].phase >= Phase.RUN and CHECKS[item.check_id].needs_image
        for item in task.rubric
    )


def _build(job: _Job) -> None:
    context, task = job.context, job.task
    if task.submission_kind == SubmissionKind.COMMANDS:
        _build_task_images(context)
        return
    budget = context.remaining() - RUN_RESERVE_SECONDS
    limits = task.limits
    build_limits = BuildLimits(
        memory_bytes=limits.build_memory_bytes,
        pids=limits.build_pids,
        wall_clock_seconds=max(MIN_BUILD_SECONDS, min(limits.build_seconds, budget)),
        log_cap_bytes=limits.log_cap_bytes,
        max_image_bytes=limits.max_image_bytes,
        max_disk_bytes=limits.build_disk_bytes,
    )
    context.build_started_at = time.time()
    outcome = build_image(
        context.engine(),
        job_id=context.job_id,
        files=context.files,
        allowed_bases=frozenset(task.allowed_base_images),
        limits=build_limits,
        layer_cache=job.build_cache is not None,
    )
    if outcome.status == BuildStatus.REJECTED:
        raise SubmissionRejectedError(f"The submission was not built: {outcome.reason}.")
    context.build = outcome


def _build_task_images(context: GradingContext) -> None:
    """The task's own images (trusted, cached), keyed by the reference learners type."""
    task = context.task
    assert context.cache is not None
    image_ids: dict[str, str] = {}
    for reference, folder in task.images.items():
        prefix = f"{folder.rstrip('/')}/"
        files = {
            path.removeprefix(prefix): content
            for path, content in task.provided_files.items()
            if path.startswith(prefix)
        }
        cached = context.cache.ensure(context.engine(), name=f"{task.slug}-{folder}", files=files)
        image_ids[reference] = cached.image_id
    context.task_image_ids = image_ids


def _run_commands(job: _Job) -> None:
    context = job.context
    if context.commands_plan is None:
        return
    image_ids = {image_reference(ref): image for ref, image in context.task_image_ids.items()}
    context.commands = run_commands(
        context.engine(),
        context.commands_plan,
        job_id=context.job_id,
        image_ids=image_ids,
        limits=run_limits(job.task.limits),
    )


def _run_checks(job: _Job, phase: Phase) -> None:
    for position, item in enumerate(job.task.rubric):
        if CHECKS[item.check_id].phase != phase:
            continue
        finding = _finding(job.context, item, phase)
        job.outcomes[position] = CheckOutcome(
            check_id=item.check_id,
            passed=finding.passed,
            points=round(finding.earned_fraction * item.points, 2),
            max_points=item.points,
            message=finding.message,
            section_slug=item.section_slug,
            evidence=finding.evidence,
        )


def _finding(context: GradingContext, item: RubricItem, phase: Phase) -> Finding:
    check = CHECKS[item.check_id]
    if check.needs_image and context.image_id is None:
        return Finding(passed=False, message=NOT_BUILT_MESSAGE)
    if phase > Phase.STATIC and context.remaining() <= 0:
        return Finding(passed=False, message=OUT_OF_TIME_MESSAGE)
    return check.run(context, item.params)


def _result(job: _Job) -> GradeResult:
    task, context = job.task, job.context
    checks = tuple(job.outcomes[position] for position in sorted(job.outcomes))
    score = round(sum(outcome.points for outcome in checks), 2)
    max_score = round(sum(item.points for item in task.rubric), 2)
    built = context.build is None or context.build.status == BuildStatus.OK
    percent = 100.0 * score / max_score if max_score else 0.0
    required_failed = [
        item.check_id
        for position, item in enumerate(task.rubric)
        if item.required and not (position in job.outcomes and job.outcomes[position].passed)
    ]
    passed = built and percent >= task.pass_percent and not required_failed
    verdict = Verdict.PASSED if passed else Verdict.FAILED
    build = context.build
    if not built:
        reason = f"The image did not build: {build.reason if build else ''}"
    elif required_failed:
        reason = REQUIRED_FAILED_REASON.format(checks=", ".join(required_failed))
    else:
        reason = ""
    return GradeResult(
        verdict=verdict,
        score=score,
        max_score=max_score,
        checks=checks,
        image_digest=(build.image_id or "") if build else "",
        image_size_bytes=build.size_bytes if build else None,
        timings=dict(job.timings),
        log_excerpt=_log_excerpt(job),
        reason=reason,
    )


def _log_excerpt(job: _Job) -> str:
    log = CappedLog(job.task.limits.log_cap_bytes)
    build = job.context.build
    if build is not None and build.log_excerpt:
        log.append(build.log_excerpt)
    if job.app_log:
        log.append(f"\n--- app output ---\n{job.app_log}")
    return log.excerpt()


def _rejected(task: TaskSpec, reason: str, timings: Mapping[str, float]) -> GradeResult:
    return GradeResult(
        verdict=Verdict.REJECTED,
        score=0.0,
        max_score=round(sum(item.points for item in task.rubric), 2),
        checks=(),
        timings=dict(timings),
        reason=reason,
    )
