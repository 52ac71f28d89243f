"""Who may open which portal page: getters decide, views never check ownership themselves."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assessments.models import Assessment

from .conftest import client_for, started


def _learner_urls(assessment: Assessment, attempt_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("portal:dashboard")),
        ("get", reverse("portal:assessment", args=[assessment.slug])),
        ("post", reverse("portal:start", args=[assessment.slug])),
        ("get", reverse("portal:attempt", args=[attempt_id])),
        ("post", reverse("portal:answer_save", args=[attempt_id, 1])),
        ("get", reverse("portal:submit", args=[attempt_id])),
        ("post", reverse("portal:submit", args=[attempt_id])),
        ("get", reverse("portal:result", args=[attempt_id])),
    ]


def _instructor_urls(assessment: Assessment) -> list[str]:
    return [
        reverse("portal:instructor_attempts", args=[assessment.slug]),
        reverse("portal:instructor_attempts_csv", args=[assessment.slug]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(
    one_question_quiz: Assessment, learner: User
) -> None:
    # given an attempt that exists
    attempt = started(one_question_quiz, learner)
    anonymous = Client()

    for method, url in _learner_urls(one_question_quiz, attempt.pk) + [
        ("get", url) for url in _instructor_urls(one_question_quiz)
    ]:
        # when an anonymous visitor opens the page
        response = getattr(anonymous, method)(url)

        # then they are sent to log in, and come back afterwards
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url
        assert "next=" in response.url


@pytest.mark.parametrize(
    "route", ["portal:attempt", "portal:submit", "portal:result", "portal:answer_save"]
)
def test_another_learners_attempt_is_not_found(
    route: str, one_question_quiz: Assessment, learner: User, other_learner: User
) -> None:
    # given Ada's attempt
    attempt = started(one_question_quiz, learner)
    args = [attempt.pk, 1] if route == "portal:answer_save" else [attempt.pk]

    # when Alan asks for it, by reading or by writing
    alan = client_for(other_learner)
    read = alan.get(reverse(route, args=args))
    write = alan.post(reverse(route, args=args), {"q1": "anything", "action": "save"})

    # then it does not exist for him, and nothing changed
    # (the save endpoint takes only POST and the result only GET: the method is checked first)
    assert read.status_code == (405 if route == "portal:answer_save" else 404)
    assert write.status_code == (405 if route == "portal:result" else 404)
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    assert attempt.questions.get().response is None


def test_learners_are_refused_the_instructor_pages(
    one_question_quiz: Assessment, learner: User
) -> None:
    client = client_for(learner)
    for url in _instructor_urls(one_question_quiz):
        assert client.get(url).status_code == 403


def test_instructors_open_the_instructor_pages(
    one_question_quiz: Assessment, instructor: User
) -> None:
    client = client_for(instructor)
    for url in _instructor_urls(one_question_quiz):
        assert client.get(url).status_code == 200


def test_an_unpublished_assessment_is_not_found_by_learners(
    one_question_quiz: Assessment, learner: User
) -> None:
    # given an assessment taken off the shelf
    one_question_quiz.is_published = False
    one_question_quiz.save()
    client = client_for(learner)

    # when a learner opens or starts it
    page = client.get(reverse("portal:assessment", args=[one_question_quiz.slug]))
    start = client.post(reverse("portal:start", args=[one_question_quiz.slug]))

    # then it does not exist for them, and no attempt was made
    assert page.status_code == 404
    assert start.status_code == 404
    assert not one_question_quiz.attempts.exists()
    assert one_question_quiz.title not in client.get(reverse("portal:dashboard")).content.decode()
