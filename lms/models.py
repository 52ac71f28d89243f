"""Service accounts: an LMS calling the API on behalf of its own learners, in its own courses."""

from django.conf import settings
from django.db import models

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
