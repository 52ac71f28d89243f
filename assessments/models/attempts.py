"""Assessments (quizzes, the final exam) and learners' attempts at them."""

from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.question_types.variants import instantiate


class AssessmentKind(models.TextChoices):
    SECTION_QUIZ = "section_quiz", "Section quiz"
    FINAL_EXAM = "final_exam", "Final exam"
    PRACTICE = "practice", "Practice"


# Questions marked exam_only form the exam pool: only these kinds draw from it, and only from it;
# no other assessment ever draws or shows an exam-only question (README, "Exam integrity").
EXAM_POOL_KINDS = frozenset({AssessmentKind.FINAL_EXAM})


def draws_exam_pool(kind: str) -> bool:
    """Whether an assessment of this kind draws (only) exam-only questions."""
    return kind in EXAM_POOL_KINDS


def exam_pool_withholds(*, kind: str, exam_only: bool) -> bool:
    """Whether an assessment of this kind must not show this question: an exam-only question
    outside the exam (it may have been drawn before the question joined the exam pool)."""
    return exam_only and not draws_exam_pool(kind)


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "Highest attempt"
    LAST = "last", "Last attempt"
    AVERAGE = "average", "Average of attempts"


class FeedbackPolicy(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately, per question"
    AFTER_SUBMISSION = "after_submission", "After the attempt is submitted"
    AFTER_CLOSE = "after_close", "After the assessment closes"


class Assessment(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    module = models.ForeignKey(
        "courses.Module", on_delete=models.PROTECT, related_name="assessments"
    )
    section = models.ForeignKey(
        "courses.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    description = models.TextField(blank=True)
    time_limit_seconds = models.PositiveIntegerField(null=True, blank=True)
    # 0 means unlimited attempts.
    attempts_allowed = models.PositiveIntegerField(default=0)
    grading_method = models.CharField(
        max_length=16, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    passing_percent = models.DecimalField(max_digits=5, decimal_places=2, default=70)
    shuffle_questions = models.BooleanField(default=True)
    shuffle_options = models.BooleanField(default=True)
    one_question_per_page = models.BooleanField(default=False)
    feedback_policy = models.CharField(
        max_length=20, choices=FeedbackPolicy.choices, default=FeedbackPolicy.AFTER_SUBMISSION
    )
    # What the review shows once the feedback policy allows it.
    review_shows_responses = models.BooleanField(default=True)
    review_shows_correct_answers = models.BooleanField(default=True)
    review_shows_feedback = models.BooleanField(default=True)
    # Off: the review shows the score and the points per section, not which question earned
    # what (a final exam whose marks would otherwise teach its items to the next attempt).
    review_shows_item_grades = models.BooleanField(default=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "kind", "section__position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AssessmentKind.values), name="assessment_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(passing_percent__gte=0, passing_percent__lte=100),
                name="assessment_passing_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="assessment_window_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=AssessmentKind.SECTION_QUIZ)
                | models.Q(section__isnull=False),
                name="assessment_section_quiz_has_section",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: datetime) -> bool:
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )

    def has_closed(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at

    @property
    def draws_exam_pool(self) -> bool:
        return draws_exam_pool(self.kind)

    def attempts_allowed_for(
        self, override: "LearnerOverride | None", cycle: "AttemptCycle | None" = None
    ) -> int | None:
        """How many attempts the learner may start in the current cycle; None is unlimited.

        A certification cycle brings its own allowance; an override adds its extra attempts.
        """
        allowed = self.attempts_allowed if cycle is None else cycle.attempts_allowed
        if allowed == 0:
            return None
        return allowed + (override.extra_attempts if override else 0)


class AssessmentSlot(models.Model):
    """A fixed question, or a blueprint slot: a random draw of `draw_count` ready questions of
    one section, type and weight (like Moodle's random-by-tag slots, PrairieLearn's zones), so
    every form of an assessment has the same maximum and the same mix. Objective and tags narrow
    a pool further. Which questions a pool holds also depends on the assessment's kind (the
    exam pool, see `draws_exam_pool`)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField()
    question = models.ForeignKey(
        "assessments.Question", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pool_section = models.ForeignKey(
        "courses.Section", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pool_objective = models.ForeignKey(
        "courses.LearningObjective",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pool_tags = models.JSONField(default=list, blank=True)
    pool_type = models.CharField(max_length=32, blank=True)
    pool_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    draw_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "position"], name="slot_position_unique"),
            models.CheckConstraint(
                condition=models.Q(draw_count__gte=1), name="slot_draw_count_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(question__isnull=True) | models.Q(draw_count=1),
                name="slot_fixed_question_draws_one",
            ),
            models.CheckConstraint(
                condition=models.Q(question__isnull=False)
                | (
                    models.Q(pool_section__isnull=False, pool_points__isnull=False)
                    & ~models.Q(pool_type="")
                ),
                name="slot_draw_names_section_type_and_points",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.slug} slot {self.position}"

    @property
    def is_fixed(self) -> bool:
        return self.question_id is not None


class LearnerOverride(models.Model):
    """Accommodations for one learner: extra time and extra attempts."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="overrides")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_overrides"
    )
    extra_seconds = models.PositiveIntegerField(default=0)
    extra_attempts = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "learner"], name="override_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.learner_id}: +{self.extra_seconds}s"


class AttemptCycle(models.Model):
    """A fresh allowance of attempts for one learner at one assessment from `starts_at` on.

    Certification opens one when a certificate is revoked or expires: from then on, only
    attempts started in the cycle count against its allowance (and as evidence for the next
    certificate). The current cycle is the latest one that has started.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="cycles")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_cycles"
    )
    starts_at = models.DateTimeField()
    # 0 means unlimited, as for Assessment.attempts_allowed.
    attempts_allowed = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "learner", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "learner", "starts_at"], name="attempt_cycle_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.learner_id} from {self.starts_at:%Y-%m-%d %H:%M}"

    def counts(self, attempt: "Attempt") -> bool:
        """Whether the attempt belongs to this cycle (it started once the cycle had begun)."""
        return attempt.started_at >= self.starts_at


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class FinalisedBy(models.TextChoices):
    LEARNER = "learner", "Submitted by the learner"
    DEADLINE = "deadline", "Submitted by the server at the deadline"


class Attempt(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attempts")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.CharField(max_length=16, choices=FinalisedBy.choices, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    start_idempotency_key = models.CharField(max_length=100, blank=True)
    submit_idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "learner"],
                condition=models.Q(status="in_progress"),
                name="attempt_one_in_progress",
            ),
            models.UniqueConstraint(
                fields=["assessment", "learner", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["learner", "start_idempotency_key"],
                condition=~models.Q(start_idempotency_key=""),
                name="attempt_start_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AttemptStatus.values), name="attempt_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="in_progress") | models.Q(submitted_at__isnull=False),
                name="attempt_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline_at"])]

    def __str__(self) -> str:
        return f"{self.assessment.slug} #{self.number} by {self.learner_id}"

    def is_expired(self, now: datetime) -> bool:
        """Past its deadline while still open: it must be finalised before anything else."""
        return (
            self.status == AttemptStatus.IN_PROGRESS
            and self.deadline_at is not None
            and now >= self.deadline_at
        )

    def seconds_left(self, now: datetime) -> int | None:
        if self.deadline_at is None:
            return None
        return max(0, int((self.deadline_at - now) / timedelta(seconds=1)))


class AttemptQuestion(models.Model):
    """One question as frozen at the start of an attempt: version, seed and option order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    question_version = models.ForeignKey(
        "assessments.QuestionVersion", on_delete=models.PROTECT, related_name="+"
    )
    slot_position = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    option_order = models.JSONField(null=True, blank=True)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    save_count = models.PositiveIntegerField(default=0)
    # Under immediate feedback: when the learner checked the answer, which graded and locked it.
    checked_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    feedback = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attempt_question_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(fraction__isnull=True)
                | models.Q(fraction__gte=0, fraction__lte=1),
                name="attempt_question_fraction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.attempt_id} question {self.position}"

    @cached_property
    def variant(self) -> dict[str, Any]:
        """The question as this learner sees it: its version's spec instantiated with the frozen
        seed (versions are immutable, so it is computed once per loaded row)."""
        variant, _ = instantiate(self.question_version.spec, self.seed)
        return variant
