"""The lms app's reactions to grading and certification: webhooks, all hooks in one place.

Grading announcements arrive inside the grading transaction, certificate ones after theirs
committed (see `quayside.announcements`); each becomes webhook deliveries (rows first) whose
messages are sent after the commit. A reaction that fails is rolled back alone and logged by the
announcements module, never raised into the request that graded or certified.
"""

from django.utils import timezone

from assessments.api import assessment_module_id, attempt_owner
from certificates.api import certificate_change_get, program_module_id
from lms.models import WebhookEvent
from lms.tasks import send_webhook
from lms.webhooks import Subject, webhook_deliveries_record
from practicals.api import submission_owner, task_module_id
from quayside.announcements import Topic, subscribe
from quayside.enqueue import enqueue_after_commit


def subscribe_all() -> None:
    subscribe(Topic.ATTEMPT_GRADED, on_attempt_graded)
    subscribe(Topic.SUBMISSION_GRADED, on_submission_graded)
    subscribe(Topic.CERTIFICATE_ISSUED, on_certificate_issued)
    subscribe(Topic.CERTIFICATE_REVOKED, on_certificate_revoked)


def on_attempt_graded(attempt_id: int) -> None:
    owner = attempt_owner(attempt_id=attempt_id)
    if owner is None:
        return
    learner_id, slug = owner
    _announce(
        WebhookEvent.ATTEMPT_GRADED,
        learner_id=learner_id,
        module_id=assessment_module_id(slug=slug),
        key=f"attempt-{attempt_id}",
        data={
            "attempt": attempt_id,
            "assessment": slug,
            "result_url": f"/api/v1/attempts/{attempt_id}/result/",
        },
    )


def on_submission_graded(submission_id: int) -> None:
    owner = submission_owner(submission_id=submission_id)
    if owner is None:
        return
    learner_id, slug = owner
    _announce(
        WebhookEvent.SUBMISSION_GRADED,
        learner_id=learner_id,
        module_id=task_module_id(slug=slug),
        # A regrade is a new grading: the key carries the time it was heard.
        key=f"submission-{submission_id}-{_now_key()}",
        data={
            "submission": submission_id,
            "task": slug,
            "result_url": f"/api/v1/practicals/submissions/{submission_id}/result/",
        },
    )


def on_certificate_issued(certificate_id: int) -> None:
    _certificate_announce(WebhookEvent.CERTIFICATE_ISSUED, certificate_id=certificate_id)


def on_certificate_revoked(certificate_id: int) -> None:
    _certificate_announce(WebhookEvent.CERTIFICATE_REVOKED, certificate_id=certificate_id)


def _certificate_announce(event: WebhookEvent, *, certificate_id: int) -> None:
    found = certificate_change_get(certificate_id=certificate_id)
    if found is None:
        return
    _announce(
        event,
        learner_id=found.learner_id,
        module_id=program_module_id(slug=found.program_slug),
        key=f"certificate-{certificate_id}",
        data={
            "certificate": found.verification_code,
            "program": found.program_slug,
            "status": found.status,
            "certificate_url": f"/api/v1/certificates/{found.verification_code}/",
        },
    )


def _now_key() -> str:
    return timezone.now().strftime("%Y%m%dT%H%M%S%f")


def _announce(
    event: WebhookEvent, *, learner_id: int, module_id: int | None, key: str, data: dict
) -> None:
    if module_id is None:
        return
    created = webhook_deliveries_record(
        event=event,
        subject=Subject(learner_id=learner_id, module_id=module_id, key=key, data=data),
    )
    for delivery_id in created:
        enqueue_after_commit(send_webhook, delivery_id)
