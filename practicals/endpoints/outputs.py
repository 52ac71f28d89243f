"""What the learner and instructor endpoints of practical grading say alike about a submission."""

from typing import Any

from rest_framework import serializers

from practicals.models import Submission


def decimal_field(**kwargs: Any) -> serializers.DecimalField:
    """Scores and points: numbers in JSON, two decimal places."""
    return serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, **kwargs
    )


def submission_fields(submission: Submission) -> dict[str, Any]:
    """The fields of a submission both audiences see, its task and version loaded."""
    return {
        "id": submission.pk,
        "task": submission.task_version.task.slug,
        "task_version": submission.task_version.number,
        "attempt_number": submission.attempt_number,
        "kind": submission.kind,
        "file_name": submission.file_name,
        "sha256": submission.sha256,
        "size_bytes": submission.size_bytes,
        "status": submission.status,
        "verdict": submission.verdict,
        "score": submission.score,
        "max_score": submission.max_score,
        "queued_at": submission.queued_at,
        "finished_at": submission.finished_at,
    }
