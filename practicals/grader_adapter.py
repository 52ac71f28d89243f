"""The adapter between Django rows and the pure grading pipeline (graders/).

`GRADER` is the one seam through which every grading goes (Celery jobs and `manage.py grade`):
tests replace it with a fake to drive the job states without Docker.
"""

import importlib
import threading
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

import docker.errors
import requests
from django.conf import settings
from django.db import InterfaceError, OperationalError

from graders.data import (
    GradeResult,
    GradingLimits,
    RubricItem,
    SubmissionFiles,
    TaskSpec,
)
from graders.data import SubmissionKind as GraderSubmissionKind
from graders.errors import InfrastructureError
from graders.sandbox.buildcache import LearnerBuildCache
from graders.sandbox.runtime import runtime_problem, select_check_runtime
from practicals.engine import docker_client, engine_problem
from practicals.models import PracticalTaskVersion, Submission

ProgressCallback = Callable[[str], None]


class Grader(Protocol):
    def __call__(
        self,
        task: TaskSpec,
        submission: SubmissionFiles,
        *,
        job_id: str,
        progress: ProgressCallback,
    ) -> GradeResult: ...


def infrastructure_error_types() -> tuple[type[Exception], ...]:
    """What counts as an infrastructure fault: retried, never charged to the learner.

    A lost database connection counts too: the job is released for a retry rather than ended.
    """
    return (
        InfrastructureError,
        docker.errors.DockerException,
        requests.ConnectionError,
        OperationalError,
        InterfaceError,
    )


class PipelineGrader:
    """The real pipeline on this worker's engine (graders.pipeline.grade_submission), its check
    containers run with GRADING_CHECK_RUNTIME."""

    def __init__(self) -> None:
        # What the probe of (engine, runtime) found, once per process: a probe runs a container,
        # and one that fails can leave the runtime's processes behind (gVisor's do), so a worker
        # whose runtime cannot run takes no job until it is restarted with a working one.
        self._runtime_verdicts: dict[tuple[str, str], str | None] = {}

    def __call__(
        self,
        task: TaskSpec,
        submission: SubmissionFiles,
        *,
        job_id: str,
        progress: ProgressCallback,
    ) -> GradeResult:
        pipeline = importlib.import_module("graders.pipeline")
        select_check_runtime(settings.GRADING_CHECK_RUNTIME)
        client = docker_client()
        try:
            result: GradeResult = pipeline.grade_submission(
                task,
                submission,
                client=client,
                job_id=job_id,
                progress=progress,
                build_cache=build_cache(),
            )
        finally:
            client.close()
        return result

    def unavailable(self) -> str | None:
        """Why this worker cannot grade now (its engine does not answer, or cannot run the
        chosen runtime), or None."""
        problem = engine_problem()
        runtime = settings.GRADING_CHECK_RUNTIME
        if problem is not None or not runtime:
            return problem
        key = (settings.DOCKER_HOST, runtime)
        if key not in self._runtime_verdicts:
            try:
                client = docker_client()
                try:
                    self._runtime_verdicts[key] = runtime_problem(client, runtime)
                finally:
                    client.close()
            except (docker.errors.DockerException, requests.RequestException) as error:
                return f"{settings.DOCKER_HOST}: {type(error).__name__}: {error}"
        return self._runtime_verdicts[key]


GRADER: Grader = PipelineGrader()


def grading_unavailable() -> str | None:
    """Asked before a job is claimed: a worker whose engine is down leaves the job to others.

    A grader without an `unavailable()` (a test's fake) is always available.
    """
    check = getattr(GRADER, "unavailable", None)
    problem: str | None = check() if callable(check) else None
    return problem


_build_cache: LearnerBuildCache | None = None
_build_cache_lock = threading.Lock()


def build_cache() -> LearnerBuildCache:
    """This process's learner build cache, bounded by the GRADING_BUILD_CACHE_* settings."""
    global _build_cache
    with _build_cache_lock:
        bounds = (settings.GRADING_BUILD_CACHE_BYTES, settings.GRADING_BUILD_CACHE_ENTRIES)
        cache = _build_cache
        if cache is None or (cache.max_bytes, cache.max_entries) != bounds:
            cache = LearnerBuildCache(max_bytes=bounds[0], max_entries=bounds[1])
            _build_cache = cache
        return cache


def grader() -> Grader:
    """The grader in force (looked up at call time, so a test's replacement takes effect)."""
    return GRADER


def task_spec_build(
    *,
    slug: str,
    version: int,
    submission_kind: str,
    allowed_base_images: list[str] | tuple[str, ...],
    rubric: Sequence[RubricItem],
    pass_percent: Decimal | float,
    time_budget_seconds: int,
    limits: Mapping[str, Any],
    starter_files: Mapping[str, str],
    images: Mapping[str, str],
) -> TaskSpec:
    return TaskSpec(
        slug=slug,
        version=version,
        submission_kind=GraderSubmissionKind(submission_kind),
        allowed_base_images=tuple(allowed_base_images),
        rubric=tuple(rubric),
        pass_percent=float(pass_percent),
        time_budget_seconds=float(time_budget_seconds),
        limits=GradingLimits(**limits),
        provided_files={path: text.encode("utf-8") for path, text in starter_files.items()},
        images=dict(images),
    )


def task_spec_for_version(version: PracticalTaskVersion) -> TaskSpec:
    return task_spec_build(
        slug=version.task.slug,
        version=version.number,
        submission_kind=version.submission_kind,
        allowed_base_images=version.allowed_base_images,
        rubric=version.rubric_items,
        pass_percent=version.pass_percent,
        time_budget_seconds=version.time_budget_seconds,
        limits=version.limits,
        starter_files=version.starter_files,
        images=version.task_images,
    )


def submission_files_for(submission: Submission) -> SubmissionFiles:
    return SubmissionFiles(
        kind=GraderSubmissionKind(submission.kind),
        file_name=submission.file_name,
        content=bytes(submission.content),
        sha256=submission.sha256,
    )
