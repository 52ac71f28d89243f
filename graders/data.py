"""The grader's door: what a practical-grading job takes in and hands back. No Django here.

The Django side (practicals) builds a TaskSpec from a PracticalTaskVersion and SubmissionFiles from
a Submission, calls graders.pipeline.grade_submission, and stores the GradeResult it gets back.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SubmissionKind(StrEnum):
    DOCKERFILE = "dockerfile"
    ARCHIVE = "archive"
    COMMANDS = "commands"


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    # Unsafe or invalid input refused before building (counts as an attempt).
    REJECTED = "rejected"
    # An infrastructure fault (engine unreachable, harness timeout): retried, never the learner's.
    ERROR = "error"


@dataclass(frozen=True)
class RubricItem:
    """One check of a task's rubric; `params` tune the check (e.g. a size limit, a path).

    A `required` check must pass for the submission to pass, whatever the score: it guards
    what the task is about (the learner's app runs), which no other points can make up for.
    """

    check_id: str
    points: float
    section_slug: str
    params: Mapping[str, Any] = field(default_factory=dict)
    required: bool = False


@dataclass(frozen=True)
class GradingLimits:
    """Named limits of one grading job. Defaults suit the course's small exercises."""

    max_upload_bytes: int = 5 * 1024 * 1024
    max_archive_files: int = 500
    max_unpacked_bytes: int = 20 * 1024 * 1024
    # A zip bomb inflates thousands of times; honest source archives stay well under this.
    max_compression_ratio: float = 100.0
    build_seconds: float = 120.0
    build_memory_bytes: int = 512 * 1024 * 1024
    build_pids: int = 256
    run_seconds: float = 30.0
    run_memory_bytes: int = 256 * 1024 * 1024
    run_pids: int = 128
    healthy_within_seconds: float = 30.0
    log_cap_bytes: int = 64 * 1024
    max_image_bytes: int = 1024 * 1024 * 1024
    # What a build may write while it runs; past it the build stops with a "disk limit" verdict.
    build_disk_bytes: int = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class TaskSpec:
    slug: str
    version: int
    submission_kind: SubmissionKind
    allowed_base_images: tuple[str, ...]
    rubric: tuple[RubricItem, ...]
    pass_percent: float
    # The whole job's budget; phases have their own limits inside it.
    time_budget_seconds: float
    limits: GradingLimits = GradingLimits()
    # Files the task provides around the learner's Dockerfile (the starter app), path -> bytes.
    provided_files: Mapping[str, bytes] = field(default_factory=dict)
    # Commands tasks: the image reference learners type (`quayside/notes-api:1.0`) -> the folder
    # of provided_files holding its Dockerfile; the grader builds these images itself.
    images: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmissionFiles:
    """What the learner sent: one Dockerfile text, an archive, or a list of docker commands."""

    kind: SubmissionKind
    file_name: str
    content: bytes
    sha256: str


@dataclass(frozen=True)
class CheckOutcome:
    check_id: str
    passed: bool
    points: float
    max_points: float
    # Written for the learner: what was checked, what was found, what to change.
    message: str
    section_slug: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GradeResult:
    verdict: Verdict
    score: float
    max_score: float
    checks: tuple[CheckOutcome, ...]
    image_digest: str = ""
    image_size_bytes: int | None = None
    # Seconds per phase: {"static": ..., "build": ..., "run": ..., "probe": ...}.
    timings: Mapping[str, float] = field(default_factory=dict)
    # Capped at GradingLimits.log_cap_bytes.
    log_excerpt: str = ""
    # For REJECTED and ERROR: why, for the learner (REJECTED) or the operator (ERROR).
    reason: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict == Verdict.PASSED
