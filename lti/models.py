"""Quayside's side of LTI: what a placement in an LMS shows, and the grades sent back.

The protocol records (registrations, deployments, platform users, contexts, resource links) are
django-lti's (`lti_tool`); these models hang Quayside's meaning off them.
"""

from django.conf import settings
from django.db import models

from quayside import outbox

# Long enough for any LMS's service URLs (Canvas line item URLs run to ~150 characters).
SERVICE_URL_MAX_LENGTH = 500
RESULT_VERSION_MAX_LENGTH = 200


class TargetKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PRACTICAL_TASK = "practical_task", "Practical task"
    CERTIFICATION_PROGRAM = "certification_program", "Certification program"
    COURSE = "course", "Course"


# Kinds whose result goes back to the LMS gradebook; a course placement only opens the course.
GRADED_KINDS = (
    TargetKind.ASSESSMENT,
    TargetKind.PRACTICAL_TASK,
    TargetKind.CERTIFICATION_PROGRAM,
)


class LtiLink(models.Model):
    """A resource link placed in an LMS course, and the Quayside content it opens."""

    resource_link = models.OneToOneField(
        "lti_tool.LtiResourceLink", on_delete=models.CASCADE, related_name="quayside_link"
    )
    target_kind = models.CharField(max_length=32, choices=TargetKind.choices)
    target_slug = models.SlugField(max_length=120)
    # The course of the target, kept so the instructors' page is scoped to the courses each
    # instructor teaches in SQL (set when the link is made; see provisioning.link_for_resource).
    course = models.ForeignKey(
        "courses.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The gradebook column for this placement (AGS); blank until the platform names or we create
    # one. One line item per placement, so two placements of one exam are two columns.
    lineitem_url = models.URLField(max_length=SERVICE_URL_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_kind__in=TargetKind.values),
                name="lti_link_target_kind_valid",
            )
        ]
        indexes = [models.Index(fields=["target_kind", "target_slug"])]

    def __str__(self) -> str:
        return f"{self.get_target_kind_display()} {self.target_slug}"


class UsedLaunchNonce(models.Model):
    """A launch's nonce, spent: the same id_token posted again is a replay and is refused."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    # After this the id_token has expired anyway, so the row can go.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "nonce"], name="lti_nonce_used_once")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.nonce}"


class DeliveryStatus(models.TextChoices):
    PENDING = outbox.PENDING, "Waiting to be sent"
    SENDING = outbox.SENDING, "Being sent"
    SENT = "sent", "Accepted by the LMS"
    FAILED = outbox.FAILED, "Refused, or retries exhausted"


class GradeDelivery(outbox.Delivery):
    """One score for one learner on one placement, and the log of sending it (AGS).

    Unique per (link, learner, result version): hearing of the same result twice sends it once.
    Sent, retried, resent and swept by the outbox rule (`quayside.outbox`).
    """

    done_status = DeliveryStatus.SENT
    done_at_field = "sent_at"
    resends_field = "resends"

    link = models.ForeignKey(LtiLink, on_delete=models.CASCADE, related_name="deliveries")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_grade_deliveries"
    )
    # The learner's `sub` on the platform: AGS's userId.
    platform_user_id = models.CharField(max_length=255)
    result_version = models.CharField(max_length=RESULT_VERSION_MAX_LENGTH)
    score_given = models.DecimalField(max_digits=8, decimal_places=3)
    score_maximum = models.DecimalField(max_digits=8, decimal_places=3)
    activity_progress = models.CharField(max_length=20)
    grading_progress = models.CharField(max_length=20)
    comment = models.CharField(max_length=500, blank=True)
    # When the result was reached (the AGS timestamp): a platform ignores older scores.
    result_at = models.DateTimeField()
    status = outbox.status_field(DeliveryStatus)
    resends = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "learner", "result_version"], name="lti_delivery_once_per_result"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="lti_delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(score_given__gte=0)
                & models.Q(score_maximum__gt=0)
                & models.Q(score_given__lte=models.F("score_maximum")),
                name="lti_delivery_score_range",
            ),
        ]
        indexes = [outbox.due_index()]

    def __str__(self) -> str:
        return f"{self.link} for {self.learner_id}: {self.score_given}/{self.score_maximum}"
