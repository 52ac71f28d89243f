"""Certification programs, the certificates they award and the revocation status list.

Requirements name other apps' content by slug (the final exam, practical tasks), because this app
reads them only through `assessments.api` and `practicals.api`. The database enforces the one rule
that matters under concurrency: at most one active certificate per learner and program.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from certificates.codes import format_verification_code


class CertificationProgram(models.Model):
    """What a learner must achieve in a course module to be certified, and for how long."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200, help_text="The achievement printed on certificates.")
    module = models.ForeignKey(
        "courses.Module", on_delete=models.PROTECT, related_name="certification_programs"
    )
    description = models.TextField(help_text="What a holder of this certificate can do.")
    final_exam_slug = models.SlugField(max_length=120)
    # Null: no section needs a minimum mastery.
    min_section_mastery_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    # Null: certificates never expire.
    validity_days = models.PositiveIntegerField(null=True, blank=True)
    # Attempts at the final exam in each certification cycle after the first (a revocation or an
    # expiry starts one); 0 means unlimited, null means the exam's own allowance.
    exam_attempts_per_cycle = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_section_mastery_percent__isnull=True)
                | models.Q(min_section_mastery_percent__lte=100),
                name="program_mastery_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(validity_days__isnull=True) | models.Q(validity_days__gte=1),
                name="program_validity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RequiredPracticalTask(models.Model):
    program = models.ForeignKey(
        CertificationProgram, on_delete=models.CASCADE, related_name="required_tasks"
    )
    task_slug = models.SlugField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "task_slug"]
        constraints = [
            models.UniqueConstraint(fields=["program", "task_slug"], name="required_task_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program.slug}: {self.task_slug}"


class StatusList(models.Model):
    """A Bitstring Status List (revocation). Indices are handed out once and never reused.

    The signed list credential is cached here and rebuilt whenever a revocation changes it.
    """

    purpose = models.CharField(max_length=20, default="revocation")
    length_bits = models.PositiveIntegerField()
    next_index = models.PositiveIntegerField(default=0)
    credential_json = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_index__lte=models.F("length_bits")),
                name="status_list_index_within_length",
            )
        ]

    def __str__(self) -> str:
        return f"Status list {self.pk} ({self.purpose})"


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    # Replaced by a newer certificate (a new name, an instructor's reissue).
    SUPERSEDED = "superseded", "Superseded"
    REVOKED = "revoked", "Revoked"
    # Past its expiry date and closed so that a renewal can become the active certificate.
    EXPIRED = "expired", "Expired"


class IssueKind(models.TextChoices):
    AUTOMATIC = "automatic", "Issued automatically when every requirement was met"
    RENEWAL = "renewal", "Renewed after the previous certificate ended"
    MANUAL = "manual", "Issued by an instructor"
    REISSUE = "reissue", "Reissued to replace an earlier certificate"


class Certificate(models.Model):
    program = models.ForeignKey(
        CertificationProgram, on_delete=models.PROTECT, related_name="certificates"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    status = models.CharField(
        max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.ACTIVE
    )
    # Stored normalised (upper-case Crockford base32, no dashes); shown grouped with dashes.
    verification_code = models.CharField(max_length=32, unique=True)
    credential_uuid = models.UUIDField(unique=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    recipient_name = models.CharField(max_length=150)
    achievement_name = models.CharField(max_length=200)
    # {"final_exam": {...}, "tasks": [...], "sections": [...]}: what the PDF and pages show.
    score_summary = models.JSONField(default=dict)
    # {"exam_attempt": {...}, "submissions": [{..., "image_digest": ...}]}.
    evidence = models.JSONField(default=dict)
    # The signed OpenBadgeCredential exactly as issued, byte for byte.
    credential_json = models.TextField()
    signing_key_id = models.CharField(max_length=100)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_list_index = models.PositiveIntegerField()
    issue_kind = models.CharField(max_length=16, choices=IssueKind.choices)
    issue_reason = models.CharField(max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.CharField(max_length=500, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    pdf_file = models.CharField(max_length=255, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "learner"],
                condition=models.Q(status="active"),
                name="certificate_one_active_per_learner_program",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_list_index"], name="certificate_status_index_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CertificateStatus.values),
                name="certificate_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(issue_kind__in=IssueKind.values),
                name="certificate_issue_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(expires_at__gt=models.F("issued_at")),
                name="certificate_expiry_after_issue",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revocation_reason="")),
                name="certificate_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(issue_kind="manual") | ~models.Q(issue_reason=""),
                name="certificate_manual_issue_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.achievement_name} for {self.recipient_name} ({self.display_code})"

    @property
    def display_code(self) -> str:
        return format_verification_code(self.verification_code)

    @property
    def effective_status(self) -> str:
        """The status a reader should see now: an active certificate past its date is expired."""
        if self.status == CertificateStatus.ACTIVE and self.is_expired(timezone.now()):
            return CertificateStatus.EXPIRED
        return self.status

    def is_expired(self, now: datetime) -> bool:
        return self.status == CertificateStatus.EXPIRED or (
            self.expires_at is not None and now >= self.expires_at
        )

    def is_current(self, now: datetime) -> bool:
        """Active and not past its expiry date: what a verifier accepts as valid."""
        return self.status == CertificateStatus.ACTIVE and not self.is_expired(now)


class PendingEvaluation(models.Model):
    """A learner whose certifications must be evaluated again (something they did was graded).

    Written in the transaction that stored the grade, so it exists exactly when the grade does;
    the evaluation deletes it once done. A sweeper resends the evaluation of markers that stay
    (the broker was down, or the worker died), so no graded work is left unevaluated.
    """

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    # The latest request; an evaluation that started before it leaves the marker in place.
    requested_at = models.DateTimeField()
    # When a message was last sent for it (the sweeper resends after a while).
    enqueued_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["enqueued_at"])]

    def __str__(self) -> str:
        return f"pending evaluation of learner {self.learner_id}"
