"""Practical tasks (versioned like questions), learners' submissions and their grading runs.

The database is the source of truth for every grading job: a Submission's status moves
queued -> building -> checking -> done, claimed by a worker with a lease (see services).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from graders.data import RubricItem
from practicals.rubric import rubric_items, rubric_max_points


class SubmissionKind(models.TextChoices):
    DOCKERFILE = "dockerfile", "A Dockerfile typed in the browser"
    ARCHIVE = "archive", "A project archive (.zip, .tar.gz)"
    COMMANDS = "commands", "Docker commands"


class PracticalTask(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    module = models.ForeignKey(
        "courses.Module", on_delete=models.PROTECT, related_name="practical_tasks"
    )
    sections = models.ManyToManyField("courses.Section", blank=True, related_name="practical_tasks")
    current_version = models.ForeignKey(
        "PracticalTaskVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class PracticalTaskVersion(models.Model):
    """Immutable once a submission points at it; an edit makes the next number."""

    task = models.ForeignKey(PracticalTask, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    instructions_markdown = models.TextField()
    objectives = models.ManyToManyField("courses.LearningObjective", blank=True, related_name="+")
    submission_kind = models.CharField(max_length=16, choices=SubmissionKind.choices)
    # {"relative/path": "text"}: what the learner downloads as the starter project.
    starter_files = models.JSONField(default=dict, blank=True)
    allowed_base_images = models.JSONField(default=list)
    # Named limits (context bytes, memory, pids, seconds per phase...), see graders.data.
    limits = models.JSONField(default=dict, blank=True)
    time_budget_seconds = models.PositiveIntegerField(default=300)
    # None: no limit. Submissions whose grading ended in an infrastructure error do not count.
    max_attempts = models.PositiveIntegerField(null=True, blank=True)
    pass_percent = models.DecimalField(max_digits=5, decimal_places=2, default=70)
    # Ordered checks, stored by practicals.rubric.rubric_rows: read them as `rubric_items`.
    rubric = models.JSONField()
    # Commands tasks: {image reference learners type: starter folder holding its Dockerfile}.
    task_images = models.JSONField(default=dict, blank=True)
    spec_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="task_version_unique"),
            models.CheckConstraint(
                condition=models.Q(submission_kind__in=SubmissionKind.values),
                name="task_version_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.slug} v{self.number}"

    @property
    def rubric_items(self) -> tuple[RubricItem, ...]:
        return rubric_items(self.rubric)

    @property
    def max_points(self) -> Decimal:
        """The most a submission can score (what the task page, the API and a run show)."""
        return rubric_max_points(self.rubric_items)


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    CHECKING = "checking", "Checking"
    DONE = "done", "Done"


class Verdict(models.TextChoices):
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    # Unsafe or invalid input, refused before building; counts as an attempt.
    REJECTED = "rejected", "Rejected"
    # An infrastructure fault that retries could not overcome; never costs an attempt.
    ERROR = "error", "Error"


class RunTrigger(models.TextChoices):
    SUBMISSION = "submission", "Submitted by the learner"
    REGRADE = "regrade", "Regraded by an instructor"


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def counting_as_attempts(self) -> "SubmissionQuerySet":
        """The submissions that use up an attempt: all but those whose grading ended in an
        infrastructure error (never the learner's fault). Ungraded ones count: the attempt is
        taken when the learner submits. The one home of this rule (the attempt limit, the
        attempts shown on the task page and in the API)."""
        return self.exclude(verdict=Verdict.ERROR)


class Submission(models.Model):
    task_version = models.ForeignKey(
        PracticalTaskVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    # The version the pending (or last) grading uses: the submitted one, or the task's current
    # version when an instructor regrades after fixing the task. Null means task_version.
    grading_version = models.ForeignKey(
        PracticalTaskVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    attempt_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=SubmissionKind.choices)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.QUEUED
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    phase = models.CharField(max_length=32, blank=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    # The worker's claim: another worker may take over once the lease has run out.
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claims = models.PositiveIntegerField(default=0)
    # Infrastructure faults met by the pending grading (reset when it is queued afresh).
    infrastructure_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # What the pending grading is for, recorded on the run it produces.
    pending_trigger = models.CharField(
        max_length=16, choices=RunTrigger.choices, default=RunTrigger.SUBMISSION
    )
    pending_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    # When a message for the pending grading was last sent to the broker (the sweeper resends).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # The client's Idempotency-Key: the same key from the same learner is the same submission.
    idempotency_key = models.CharField(max_length=100, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "task_version", "attempt_number"],
                name="submission_attempt_unique",
            ),
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="submission_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values),
                name="submission_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict="") | models.Q(verdict__in=Verdict.values),
                name="submission_verdict_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(verdict=""),
                name="submission_done_has_verdict",
            ),
        ]
        indexes = [models.Index(fields=["status", "lease_expires_at"])]

    def __str__(self) -> str:
        return f"submission {self.pk} ({self.status})"

    @property
    def is_in_progress(self) -> bool:
        return self.status != SubmissionStatus.DONE

    @property
    def version_for_grading_id(self) -> int:
        return self.grading_version_id or self.task_version_id


class GradingRun(models.Model):
    """One grading of a submission. Regrading adds a run; earlier runs stay as history."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    task_version = models.ForeignKey(
        PracticalTaskVersion, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    trigger = models.CharField(
        max_length=16, choices=RunTrigger.choices, default=RunTrigger.SUBMISSION
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.DecimalField(max_digits=7, decimal_places=2)
    max_score = models.DecimalField(max_digits=7, decimal_places=2)
    # Why the input was refused (rejected, for the learner) or grading failed (error, for staff).
    reason = models.TextField(blank=True)
    # How many claims the grading took (more than one: a worker died or an infrastructure retry).
    claims = models.PositiveIntegerField(default=1)
    image_digest = models.CharField(max_length=100, blank=True)
    image_size_bytes = models.BigIntegerField(null=True, blank=True)
    # Seconds per phase, e.g. {"static": 0.02, "build": 3.1, "run": 1.4}.
    timings = models.JSONField(default=dict)
    log_excerpt = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="grading_run_unique"),
            models.CheckConstraint(
                condition=models.Q(verdict__in=Verdict.values), name="grading_run_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.number} of submission {self.submission_id}"


class CheckResult(models.Model):
    run = models.ForeignKey(GradingRun, on_delete=models.CASCADE, related_name="checks")
    position = models.PositiveIntegerField()
    check_id = models.CharField(max_length=80)
    passed = models.BooleanField()
    points = models.DecimalField(max_digits=6, decimal_places=2)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    message = models.TextField()
    section_slug = models.SlugField(max_length=120)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="check_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.check_id}: {'passed' if self.passed else 'failed'}"


class EngineHeartbeat(models.Model):
    """What a grading worker last reported about its own Docker engine; one row per worker.

    Grading scales by adding hosts, each with an engine and a worker: this is how the web side
    (readiness, admin) sees every engine's health, its build cache and the leftovers its
    janitor removed, though it holds no connection to any of them.
    """

    worker = models.CharField(max_length=200, unique=True)
    docker_host = models.CharField(max_length=300)
    # The engine's own identity (`docker info`: ID, server version), when it answered.
    engine_id = models.CharField(max_length=200, blank=True)
    engine_version = models.CharField(max_length=64, blank=True)
    # The runtime check containers use on this engine ("" = the engine's default, e.g. runc).
    check_runtime = models.CharField(max_length=64, blank=True)
    healthy = models.BooleanField(default=False)
    # Why the engine is not healthy (or the worker stopped); empty when healthy.
    detail = models.TextField(blank=True)
    # Whether the worker takes grading jobs now (it stops while its engine is down).
    consuming = models.BooleanField(default=False)
    build_cache_entries = models.PositiveIntegerField(default=0)
    build_cache_bytes = models.BigIntegerField(default=0)
    # Objects the engine's janitor removed in its last run, and when that was.
    leftovers_removed = models.PositiveIntegerField(default=0)
    janitor_ran_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["worker"]

    def __str__(self) -> str:
        return f"{self.worker} ({self.docker_host})"
