"""Reactions to grading in other apps: each graded attempt or submission re-evaluates the learner.

Registered in CertificatesConfig.ready(). Both announcements arrive after the grading
transaction has committed, with an id only; the evaluation itself runs on the certificates queue.
"""

from django.db import transaction

from assessments.api import attempt_learner_id
from practicals.api import submission_learner_id


def certification_evaluation_enqueue(*, learner_id: int) -> None:
    """Queue an evaluation of the learner once the current transaction (if any) commits."""
    from certificates.tasks import evaluate_learner_certifications

    transaction.on_commit(lambda: evaluate_learner_certifications.delay(learner_id))


def on_attempt_graded(attempt_id: int) -> None:
    learner_id = attempt_learner_id(attempt_id=attempt_id)
    if learner_id is not None:
        certification_evaluation_enqueue(learner_id=learner_id)


def on_submission_graded(submission_id: int) -> None:
    learner_id = submission_learner_id(submission_id=submission_id)
    if learner_id is not None:
        certification_evaluation_enqueue(learner_id=learner_id)
