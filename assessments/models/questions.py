"""The question bank: a Question is a stable identity; its QuestionVersions are immutable."""

from django.conf import settings
from django.db import models

from assessments.question_types import QUESTION_TYPES

QUESTION_KEY_MAX_LENGTH = 100
QUESTION_TYPE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(QUESTION_TYPES)]


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready"
    RETIRED = "retired", "Retired"


class Provenance(models.TextChoices):
    AUTHORED = "authored", "Authored in Quayside"
    BANK = "bank", "Loaded from the bank files"
    GENERATED = "generated", "Generated from course content"
    IMPORTED = "imported", "Imported from a file"


class Tag(models.Model):
    name = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    key = models.SlugField(max_length=QUESTION_KEY_MAX_LENGTH, unique=True)
    section = models.ForeignKey(
        "courses.Section", on_delete=models.PROTECT, related_name="questions"
    )
    status = models.CharField(
        max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    # The exam pool: drawn by the final exam only, never by a quiz or practice, and never shown
    # outside the exam (README, "Exam integrity").
    exam_only = models.BooleanField(default=False)
    provenance = models.CharField(max_length=16, choices=Provenance.choices)
    # Where it came from: {"block": <content block key>} or {"file": name, "position": ...}.
    provenance_detail = models.JSONField(default=dict, blank=True)
    # Generated drafts are deduplicated on a hash of their normalised content.
    dedupe_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - unique when set
    current_version = models.ForeignKey(
        "QuestionVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section__position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(dedupe_key__isnull=False),
                name="question_dedupe_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(provenance__in=Provenance.values),
                name="question_provenance_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "exam_only", "section"])]

    def __str__(self) -> str:
        return self.key


class QuestionVersion(models.Model):
    """One immutable revision. Services never update a row: an edit creates the next number."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    type = models.CharField(max_length=32, choices=QUESTION_TYPE_CHOICES)
    # The type-specific content as described in docs/question-format.md (prompt, options, ...).
    spec = models.JSONField()
    spec_sha256 = models.CharField(max_length=64)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    difficulty = models.FloatField(default=0.5)
    objectives = models.ManyToManyField(
        "courses.LearningObjective", blank=True, related_name="question_versions"
    )
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set the first time an attempt shows this version; from then on it is evidence.
    first_shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_unique"),
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=0, difficulty__lte=1),
                name="question_version_difficulty_range",
            ),
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="question_version_points_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=sorted(QUESTION_TYPES)),
                name="question_version_type_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} v{self.number}"
