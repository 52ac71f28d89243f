"""The certificates app's reactions to other apps' announcements (subscribed in its ready()).

A graded attempt or submission, or a learner's new display name, re-evaluates the learner. The
grading announcements arrive inside the grading transaction, with an id only: the pending
evaluation is recorded there (kept exactly when the grade is) and the evaluation itself runs on
the certificates queue after the commit.
"""

from assessments.api import attempt_learner_id
from certificates.services.evaluations import certification_evaluation_request
from practicals.api import submission_learner_id


def on_attempt_graded(attempt_id: int) -> None:
    learner_id = attempt_learner_id(attempt_id=attempt_id)
    if learner_id is not None:
        certification_evaluation_request(learner_id=learner_id)


def on_submission_graded(submission_id: int) -> None:
    learner_id = submission_learner_id(submission_id=submission_id)
    if learner_id is not None:
        certification_evaluation_request(learner_id=learner_id)


def on_display_name_changed(user_id: int) -> None:
    """The learner's certificates are reissued with the new name (by the evaluation)."""
    certification_evaluation_request(learner_id=user_id)
