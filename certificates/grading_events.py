"""Reactions to grading in other apps: each graded attempt or submission re-evaluates the learner.

Registered in CertificatesConfig.ready(). Both announcements arrive inside the grading
transaction, with an id only: the pending evaluation is recorded there (kept exactly when the
grade is) and the evaluation itself runs on the certificates queue after the commit.
"""

from assessments.api import attempt_learner_id
from certificates.services.evaluations import certification_evaluation_request
from practicals.api import submission_learner_id


def certification_evaluation_enqueue(*, learner_id: int) -> None:
    """Queue an evaluation of the learner (recorded now, sent once the transaction commits)."""
    certification_evaluation_request(learner_id=learner_id)


def on_attempt_graded(attempt_id: int) -> None:
    learner_id = attempt_learner_id(attempt_id=attempt_id)
    if learner_id is not None:
        certification_evaluation_enqueue(learner_id=learner_id)


def on_submission_graded(submission_id: int) -> None:
    learner_id = submission_learner_id(submission_id=submission_id)
    if learner_id is not None:
        certification_evaluation_enqueue(learner_id=learner_id)
