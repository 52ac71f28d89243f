"""Service accounts: an LMS calling the API on behalf of its own learners, in its own courses."""

from django.conf import settings
from django.db import models

from quayside import outbox

# SHA-256 in hex; tokens are 256-bit random strings, so a fast hash is enough to store them.
TOKEN_HASH_LENGTH = 64
# The first characters of a token, kept so an administrator can tell tokens apart.
TOKEN_PREFIX_LENGTH = 8


class ServiceAccount(models.Model):
    """One LMS. It may act only for the learners and in the courses listed in its scope."""

    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=TOKEN_HASH_LENGTH, unique=True)
    token_prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH)
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="service_accounts")
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="service_accounts"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExternalLearnerId(models.Model):
    """The LMS's own id for a learner it provisioned (unique per service account)."""

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.CASCADE, related_name="external_ids"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lms_external_ids"
    )
    external_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="lms_external_id_unique_per_account"
            ),
            models.UniqueConstraint(
                fields=["account", "learner"], name="lms_one_external_id_per_learner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.external_id}"


class WebhookEvent(models.TextChoices):
    ATTEMPT_GRADED = "attempt.graded", "An attempt was graded"
    SUBMISSION_GRADED = "submission.graded", "A practical submission was graded"
    CERTIFICATE_ISSUED = "certificate.issued", "A certificate was issued"
    CERTIFICATE_REVOKED = "certificate.revoked", "A certificate was revoked"


# Long enough for any receiver URL an LMS gives.
WEBHOOK_URL_MAX_LENGTH = 500


class WebhookSubscription(models.Model):
    """Where a service account wants to hear of events about its learners in its courses."""

    account = models.ForeignKey(
        ServiceAccount, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=WEBHOOK_URL_MAX_LENGTH)
    # Standard Webhooks secret: "whsec_" + base64 of 32 random bytes; shown once at creation.
    secret = models.CharField(max_length=100)
    events = models.JSONField(default=list, help_text="Event types, e.g. attempt.graded.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "url"]

    def __str__(self) -> str:
        return f"{self.account} -> {self.url}"


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = outbox.PENDING, "Waiting to be sent"
    SENDING = outbox.SENDING, "Being sent"
    DELIVERED = "delivered", "Accepted by the receiver"
    FAILED = outbox.FAILED, "Refused, or retries exhausted"


class WebhookDelivery(outbox.Delivery):
    """One event for one subscription, and the log of delivering it. Its id is the message id.

    Sent, retried, replayed and swept by the outbox rule (`quayside.outbox`).
    """

    done_status = WebhookDeliveryStatus.DELIVERED
    done_at_field = "delivered_at"
    resends_field = "replays"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    # What happened, once: (event type, subject) so an announcement heard twice is sent once.
    event_key = models.CharField(max_length=200)
    payload = models.TextField()
    status = outbox.status_field(WebhookDeliveryStatus)
    replays = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_key"], name="lms_webhook_event_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=WebhookDeliveryStatus.values),
                name="lms_webhook_delivery_status_valid",
            ),
        ]
        indexes = [outbox.due_index()]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"
