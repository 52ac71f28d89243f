"""Instructors see every attempt at an assessment and export them as CSV."""

import csv
import io

from django.urls import reverse

from accounts.models import User
from assessments.models import Assessment
from assessments.services.attempts import attempt_submit
from tests.factories import UserFactory

from .conftest import client_for, started


def test_the_attempts_page_lists_every_learners_attempts(
    one_question_quiz: Assessment, learner: User, other_learner: User, instructor: User
) -> None:
    # given two learners' attempts, one submitted
    attempt_submit(attempt=started(one_question_quiz, learner))
    started(one_question_quiz, other_learner)

    # when the instructor opens the attempts page
    html = (
        client_for(instructor)
        .get(reverse("portal:instructor_attempts", args=[one_question_quiz.slug]))
        .content.decode()
    )

    # then both learners are there, with the submitted one's score
    assert "ada@example.org" in html
    assert "alan@example.org" in html
    assert "0%" in html
    assert reverse("portal:instructor_attempts_csv", args=[one_question_quiz.slug]) in html


def test_the_csv_export_has_one_row_per_attempt(
    one_question_quiz: Assessment, learner: User, instructor: User, django_assert_max_num_queries
) -> None:
    # given a submitted attempt and one in progress by a learner with a formula for a name
    submitted = attempt_submit(attempt=started(one_question_quiz, learner))
    mallory = UserFactory(email="mallory@example.org", display_name="=HYPERLINK(1)")
    started(one_question_quiz, mallory)
    client = client_for(instructor)

    # when the instructor downloads the CSV: session, user, the course-staff gate (the
    # assessment's module, the staff row), the assessment, the attempts; never one per attempt
    with django_assert_max_num_queries(6):
        response = client.get(
            reverse("portal:instructor_attempts_csv", args=[one_question_quiz.slug])
        )

    # then it is an attachment with a header and a row per attempt, formulas defused
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["learner_email"] for row in rows] == ["ada@example.org", "mallory@example.org"]
    ada, mallory_row = rows
    assert ada["status"] == "submitted"
    assert ada["finalised_by"] == "learner"
    assert ada["percent"] == str(submitted.percent)
    assert ada["passed"] == "no"
    assert ada["max_score"] == "1.000"
    assert mallory_row["status"] == "in_progress"
    assert mallory_row["percent"] == ""
    assert mallory_row["learner_name"] == "'=HYPERLINK(1)"
