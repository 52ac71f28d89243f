"""Certification standing is on every dashboard render: its queries must not grow with the
learner's history (one query per submission made the dashboard slower with every attempt)."""

import pytest
from certification_builders import grade_submission, take_exam
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from assessments.models import Assessment
from certificates.models import CertificationProgram
from certificates.selectors import certification_standings_for_learner
from practicals.models import PracticalTask

pytestmark = pytest.mark.django_db

# Queries for the standing in one program with two required tasks and no mastery rule: the
# programs and their required tasks (2), the certificate, the cycle start, the exam result (2)
# and one query per required task (2).
STANDING_QUERY_BUDGET = 8
# Enough history that one query per submission or attempt would stand out.
HISTORY = 6


def _standing_queries(learner: User) -> int:
    with CaptureQueriesContext(connection) as captured:
        standings = certification_standings_for_learner(learner_id=learner.pk)
    assert len(standings) == 1
    return len(captured)


def _dashboard_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("portal:dashboard"))
    assert page.status_code == 200
    assert b"Docker Associate" in page.content
    return len(captured)


def _add_history(learner: User, exam: Assessment, tasks: list[PracticalTask]) -> None:
    for _ in range(HISTORY):
        take_exam(learner, exam, percent=40)
        for task in tasks:
            grade_submission(learner, task, passed=False)


def test_the_standing_stays_within_its_query_budget_however_long_the_history(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    # given one failed try at everything
    take_exam(learner, final_exam, percent=40)
    for task in tasks:
        grade_submission(learner, task, passed=False)
    short_history = _standing_queries(learner)

    # when the learner keeps trying
    _add_history(learner, final_exam, tasks)

    # then the standing costs what it cost before, within its budget
    assert _standing_queries(learner) == short_history
    assert short_history <= STANDING_QUERY_BUDGET


def test_the_dashboard_costs_the_same_after_many_submissions(
    learner: User,
    client: Client,
    program: CertificationProgram,
    final_exam: Assessment,
    tasks: list[PracticalTask],
) -> None:
    client.force_login(learner)
    grade_submission(learner, tasks[0], passed=False)
    before = _dashboard_queries(client)

    _add_history(learner, final_exam, tasks)

    assert _dashboard_queries(client) == before


def test_the_best_submission_still_wins_after_the_history_grew(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    # given a passing submission of the first task among failed ones
    _add_history(learner, final_exam, tasks)
    passing = grade_submission(learner, tasks[0], passed=True)
    _add_history(learner, final_exam, tasks)

    # when
    (standing,) = certification_standings_for_learner(learner_id=learner.pk)

    # then the passing one counts, and the second task is still missing
    by_slug = {result.task_slug: result for result in standing.tasks}
    assert by_slug[tasks[0].slug].submission_id == passing.pk
    assert by_slug[tasks[0].slug].passed
    assert not by_slug[tasks[1].slug].passed
    assert [r.key for r in standing.missing] == [final_exam.slug, tasks[1].slug]
