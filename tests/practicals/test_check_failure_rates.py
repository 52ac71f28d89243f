"""Failure rate of each check, over the latest graded run of every submission (api.py)."""

import pytest

from accounts.models import Role, User
from practicals import api
from practicals.grader_adapter import task_spec_for_version
from practicals.models import PracticalTask
from practicals.services.grading import submission_grade
from practicals.services.submissions import SubmittedFiles, submission_create
from tests.factories import UserFactory
from tests.practicals.conftest import GOOD_DOCKERFILE, FakeGrader, failing_result

pytestmark = pytest.mark.django_db(transaction=False)


def _graded(learner: User, task: PracticalTask, fake: FakeGrader, *, passing: bool) -> int:
    fake.result = None if passing else failing_result(task_spec_for_version(task.current_version))
    files = SubmittedFiles("Dockerfile", GOOD_DOCKERFILE.encode())
    submission = submission_create(learner=learner, task_slug=task.slug, files=files)
    submission_grade(submission_id=submission.pk, worker="worker-a")
    return submission.pk


def test_each_check_fails_in_the_share_of_graded_submissions_that_failed_it(
    task: PracticalTask, fake_grader: FakeGrader, sent: list[int]
) -> None:
    # given three learners' submissions: one passing every check, two failing all but the first
    learners = [UserFactory(role=Role.LEARNER) for _ in range(3)]
    _graded(learners[0], task, fake_grader, passing=True)
    _graded(learners[1], task, fake_grader, passing=False)
    _graded(learners[2], task, fake_grader, passing=False)

    # when the module's failure rates are read
    (rates,) = api.check_failure_rates(module_id=task.module_id)

    # then the first check never failed and every other failed in 2 of 3
    assert (rates.task_slug, rates.submissions) == (task.slug, 3)
    first, *others = rates.checks
    assert (first.runs, first.failed) == (3, 0)
    assert all((check.runs, check.failed) == (3, 2) for check in others)
    assert others[0].percent_failed == pytest.approx(200 / 3)
    assert others[0].section_slug == "container-security-best-practices"
    assert api.submission_module_id(submission_id=0) is None


def test_a_graded_submission_refreshes_the_course_view(
    task: PracticalTask,
    fake_grader: FakeGrader,
    sent: list[int],
    django_capture_on_commit_callbacks,
) -> None:
    from assessments.selectors.analytics import mastery_grid_get
    from courses import api as courses_api

    module = courses_api.module_get(course_slug="docker-basics", module_slug="module-1-1")
    assert mastery_grid_get(module=module).tasks == []

    # when a submission is graded (its event fires after the grading run commits)
    with django_capture_on_commit_callbacks(execute=True):
        _graded(UserFactory(role=Role.LEARNER), task, fake_grader, passing=False)

    # then the cached course view is recomputed with the new run
    (rates,) = mastery_grid_get(module=module).tasks
    assert rates.submissions == 1
