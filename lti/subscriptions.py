"""The lti app's reactions to grading and certification: every hook in one place.

Grading announcements arrive inside the grading transaction, certificate ones after theirs
committed (see `quayside.announcements`). A reaction records the learner's new result as grade
deliveries (rows first) whose messages are sent after the commit. A reaction that fails is rolled
back alone and logged by the announcements module, and never reaches the grading request or the
other subscribers.
"""

from assessments.api import attempt_owner
from lti.content import certificate_result, result_for_learner
from lti.grades import grade_deliveries_record
from lti.models import LtiLink, TargetKind
from lti.tasks import send_grade
from practicals.api import submission_owner
from quayside.announcements import Topic, subscribe
from quayside.enqueue import enqueue_after_commit


def subscribe_all() -> None:
    subscribe(Topic.ATTEMPT_GRADED, on_attempt_graded)
    subscribe(Topic.SUBMISSION_GRADED, on_submission_graded)
    # The certificate's own status says which: its result is the same question either way.
    subscribe(Topic.CERTIFICATE_ISSUED, on_certificate_changed)
    subscribe(Topic.CERTIFICATE_REVOKED, on_certificate_changed)


def on_attempt_graded(attempt_id: int) -> None:
    owner = attempt_owner(attempt_id=attempt_id)
    if owner is not None:
        results_record(kind=TargetKind.ASSESSMENT, slug=owner[1], learner_id=owner[0])


def on_submission_graded(submission_id: int) -> None:
    owner = submission_owner(submission_id=submission_id)
    if owner is not None:
        results_record(kind=TargetKind.PRACTICAL_TASK, slug=owner[1], learner_id=owner[0])


def on_certificate_changed(certificate_id: int) -> None:
    found = certificate_result(certificate_id=certificate_id)
    if found is None:
        return
    slug, learner_id, result = found
    if not LtiLink.objects.filter(
        target_kind=TargetKind.CERTIFICATION_PROGRAM, target_slug=slug
    ).exists():
        return
    _enqueue(
        grade_deliveries_record(
            kind=TargetKind.CERTIFICATION_PROGRAM, slug=slug, learner_id=learner_id, result=result
        )
    )


def results_record(*, kind: str, slug: str, learner_id: int) -> None:
    """Record (and enqueue) the learner's current result on every placement of the target."""
    if not LtiLink.objects.filter(target_kind=kind, target_slug=slug).exists():
        return
    result = result_for_learner(kind=kind, slug=slug, learner_id=learner_id)
    if result is None:
        return  # nothing the review policy lets the learner (or a gradebook) see yet
    _enqueue(grade_deliveries_record(kind=kind, slug=slug, learner_id=learner_id, result=result))


def _enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        enqueue_after_commit(send_grade, delivery_id)
