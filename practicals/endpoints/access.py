"""Who may reach what through the practicals API, decided in one place.

A learner request acts for one learner (their own token or session, or a service account's
`X-On-Behalf-Of`, limited to its courses); the getters here combine the selectors' permission
checks with that scope and raise not-found for anything outside it.
"""

from lms.api import LearnerScope
from practicals import selectors
from practicals.models import PracticalTask, Submission


def task_get_for_scope(*, scope: LearnerScope, slug: str) -> PracticalTask:
    task = selectors.task_list_published(module_ids=scope.module_ids).filter(slug=slug).first()
    if task is None:
        raise selectors.PracticalTaskNotFoundError(f"No practical task {slug!r}.")
    return task


def submission_get_for_scope(*, scope: LearnerScope, submission_id: int) -> Submission:
    """The learner's own submission (never another's, even for an instructor's token here)."""
    submission = (
        selectors.submission_list_for_learner_all(
            learner=scope.learner, module_ids=scope.module_ids
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise selectors.SubmissionNotFoundError(f"No submission {submission_id} of yours.")
    return submission
