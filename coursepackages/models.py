"""The history of course package syncs: who synced what, from where, and what changed."""

from django.conf import settings
from django.db import models


class SyncStatus(models.TextChoices):
    # A dry run: validated and diffed, then rolled back.
    PREVIEWED = "previewed", "Previewed (dry run)"
    APPLIED = "applied", "Applied"
    # Refused: invalid package, source over a limit, or not allowed; nothing was written.
    REFUSED = "refused", "Refused"


class SourceKind(models.TextChoices):
    FOLDER = "folder", "Folder"
    ZIP = "zip", "Zip upload"
    GIT = "git", "Git repository"


class CourseSync(models.Model):
    """One run of `coursepackages.services.course_package_sync`, dry or applied.

    A preview of an uploaded zip keeps the zip (`package_zip`) until it is applied, so what is
    applied is exactly what was previewed; a git preview keeps the commit for the same reason.
    """

    course_slug = models.SlugField(max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=SyncStatus.choices)
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    source = models.CharField(max_length=500)
    git_url = models.CharField(max_length=500, blank=True)
    git_branch = models.CharField(max_length=200, blank=True)
    commit_sha = models.CharField(max_length=64, blank=True)
    package_version = models.CharField(max_length=100, blank=True)
    # {kind: {action: [names]}}, see coursepackages.services.SyncDiff.
    diff = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    package_zip = models.BinaryField(null=True, blank=True, editable=False)
    # The preview an applied sync was confirmed from.
    preview = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course_slug", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.course_slug or '?'} {self.status} {self.created_at:%Y-%m-%d %H:%M}"
