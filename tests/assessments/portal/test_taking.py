"""Starting, resuming, saving (by JSON and by form), moving between questions, submitting."""

from datetime import timedelta

import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from assessments.models import (
    Assessment,
    Attempt,
    AttemptStatus,
    FinalisedBy,
    Provenance,
    QuestionStatus,
)
from assessments.services.questions import QuestionContent, question_create
from courses.models import Section
from tests.question_examples import QUESTION_EXAMPLES, spec_of

from .conftest import AssessmentMaker, QuestionMaker, client_for, started

# Session, user, the item with its attempt and version, the conditional UPDATE; room for two more.
SAVE_QUERY_BUDGET = 6


def test_starting_makes_an_attempt_and_starting_again_resumes_it(
    one_question_quiz: Assessment, learner: User
) -> None:
    client = client_for(learner)
    start_url = reverse("portal:start", args=[one_question_quiz.slug])

    # when the learner presses Start twice
    first = client.post(start_url)
    second = client.post(start_url)

    # then there is one attempt, and both land on its page
    attempt = Attempt.objects.get(learner=learner)
    assert first.url == second.url == reverse("portal:attempt", args=[attempt.pk])
    page = client.get(reverse("portal:assessment", args=[one_question_quiz.slug]))
    assert f"Resume attempt {attempt.number}" in page.content.decode()


def test_start_is_refused_by_get_and_when_no_attempts_are_left(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    # given a one-attempt quiz already taken
    quiz = make_assessment([make_question("true_false")], attempts_allowed=1)
    client = client_for(learner)
    start_url = reverse("portal:start", args=[quiz.slug])
    client.post(start_url)
    client.post(reverse("portal:submit", args=[Attempt.objects.get().pk]))

    # when the learner tries again
    by_get = client.get(start_url)
    by_post = client.post(start_url)

    # then GET changes nothing, and POST explains that no attempts are left
    assert by_get.status_code == 405
    assert by_post.url == reverse("portal:assessment", args=[quiz.slug])
    assert [str(m) for m in get_messages(by_post.wsgi_request)] == [
        "You have used all 1 attempts at this assessment."
    ]
    assert Attempt.objects.count() == 1
    page = client.get(by_post.url).content.decode()
    assert "You have used all your attempts." in page


def test_a_json_save_acknowledges_with_time_and_count(
    timed_quiz: Assessment, learner: User
) -> None:
    # given an attempt with a time limit
    attempt = started(timed_quiz, learner)
    client = client_for(learner)
    url = reverse("portal:answer_save", args=[attempt.pk, 2])

    # when the learner saves an answer twice
    client.post(url, {"q2": "COPY"})
    response = client.post(url, {"q2": "WORKDIR"})

    # then the acknowledgement counts the saves and tells the time left; the last save wins
    assert response.status_code == 200
    ack = response.json()
    assert ack["position"] == 2
    assert ack["save_count"] == 2
    assert 590 <= ack["seconds_left"] <= 600
    assert ack["saved_at"]
    assert attempt.questions.get(position=2).response == "WORKDIR"


def test_a_malformed_answer_is_refused_with_a_problem_document(
    one_question_quiz: Assessment, learner: User
) -> None:
    attempt = started(one_question_quiz, learner)

    response = client_for(learner).post(
        reverse("portal:answer_save", args=[attempt.pk, 1]), {"q1": "no-such-option"}
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_response"
    assert problem["status"] == 422
    assert problem["detail"]
    assert attempt.questions.get().response is None


def test_the_save_endpoint_stays_within_its_query_budget(
    timed_quiz: Assessment, learner: User, django_assert_max_num_queries
) -> None:
    attempt = started(timed_quiz, learner)
    client = client_for(learner)
    url = reverse("portal:answer_save", args=[attempt.pk, 2])

    with django_assert_max_num_queries(SAVE_QUERY_BUDGET):
        response = client.post(url, {"q2": "WORKDIR"})

    assert response.status_code == 200


def test_the_form_post_saves_every_answer_on_the_page_and_skips_blank_ones(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    # given an all-on-one-page attempt with three questions
    quiz = make_assessment(
        [make_question("single_choice"), make_question("short_text"), make_question("numeric")]
    )
    attempt = started(quiz, learner)
    client = client_for(learner)

    # when the learner (without JavaScript) answers two and presses Save
    response = client.post(
        reverse("portal:attempt", args=[attempt.pk]),
        {
            **QUESTION_EXAMPLES["single_choice"].post_for("q1"),
            "q2": "",
            "q3": "12",
            "action": "save",
        },
    )

    # then both answers are saved, the blank one stays unanswered, and the page comes back
    assert response.url == reverse("portal:attempt", args=[attempt.pk])
    responses = dict(attempt.questions.values_list("position", "response"))
    assert responses[1] == QUESTION_EXAMPLES["single_choice"].right_response()
    assert responses[2] is None
    assert responses[3] == 12
    html = client.get(response.url).content.decode()
    assert "Your answers are saved." in html
    assert "2 of 3 answered" in html.replace('<span id="answered-count">2</span>', "2")


def test_the_form_post_reports_a_malformed_answer_and_keeps_the_others(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    quiz = make_assessment([make_question("numeric"), make_question("short_text")])
    attempt = started(quiz, learner)
    client = client_for(learner)

    response = client.post(
        reverse("portal:attempt", args=[attempt.pk]),
        {"q1": "twelve", "q2": "WORKDIR", "action": "submit"},
    )

    # then it stays on the page (no submit) and says which question was not saved
    assert response.url == reverse("portal:attempt", args=[attempt.pk])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1
    assert messages[0].startswith("Not saved. Question 1:")
    assert attempt.questions.get(position=2).response == "WORKDIR"


def test_one_question_per_page_moves_with_previous_and_next(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    # given a quiz that shows one question per page
    quiz = make_assessment(
        [make_question("true_false"), make_question("short_text"), make_question("numeric")],
        one_question_per_page=True,
    )
    attempt = started(quiz, learner)
    client = client_for(learner)
    url = reverse("portal:attempt", args=[attempt.pk])

    # when the learner opens question 2
    page = client.get(url, {"q": 2}).content.decode()

    # then only question 2 is on the page, with Previous and Next
    assert 'id="question-2"' in page
    assert 'id="question-1"' not in page
    assert 'id="question-3"' not in page
    assert 'name="goto" value="1"' in page
    assert 'name="goto" value="3"' in page
    assert 'aria-current="step"' in page

    # and when they answer it and press Next, it is saved and question 3 follows
    moved = client.post(f"{url}?q=2", {"q2": "WORKDIR", "goto": "3"})
    assert moved.url == f"{url}?q=3"
    assert attempt.questions.get(position=2).response == "WORKDIR"
    last = client.get(moved.url).content.decode()
    assert 'name="goto" value="2"' in last
    assert 'name="goto" value="4"' not in last

    # and a question that does not exist is not found
    assert client.get(url, {"q": 4}).status_code == 404
    assert client.get(url, {"q": "x"}).status_code == 404


def test_submitting_asks_first_then_grades_and_shows_the_result(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    quiz = make_assessment([make_question("true_false"), make_question("short_text")])
    attempt = started(quiz, learner)
    client = client_for(learner)
    client.post(reverse("portal:answer_save", args=[attempt.pk, 1]), {"q1": "true"})

    # when the learner asks to submit, the confirmation names the unanswered question
    confirm = client.get(reverse("portal:submit", args=[attempt.pk])).content.decode()
    assert "1 of 2 questions is not answered" in confirm
    assert "question 2</a>" in confirm

    # and when they confirm
    submitted = client.post(reverse("portal:submit", args=[attempt.pk]))

    # then the attempt is graded and they see the result
    assert submitted.url == reverse("portal:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.finalised_by == FinalisedBy.LEARNER
    assert attempt.percent == 50
    # and the attempt page now leads to the result, and answers can no longer change
    assert client.get(reverse("portal:attempt", args=[attempt.pk])).url == submitted.url
    late = client.post(reverse("portal:answer_save", args=[attempt.pk, 2]), {"q2": "WORKDIR"})
    assert late.status_code == 409
    assert late.json()["code"] == "attempt_closed"


def test_the_timer_submits_by_json(timed_quiz: Assessment, learner: User) -> None:
    attempt = started(timed_quiz, learner)

    response = client_for(learner).post(
        reverse("portal:submit", args=[attempt.pk]), HTTP_ACCEPT="application/json"
    )

    assert response.json() == {
        "status": "submitted",
        "finalised_by": "learner",
        "result_url": reverse("portal:result", args=[attempt.pk]),
    }


def test_an_expired_attempt_is_submitted_by_the_server_when_opened(
    timed_quiz: Assessment, learner: User
) -> None:
    # given an attempt with a saved answer, and a learner who comes back after the deadline
    attempt = started(timed_quiz, learner)
    client = client_for(learner)
    client.post(reverse("portal:answer_save", args=[attempt.pk, 2]), {"q2": "WORKDIR"})
    assert attempt.deadline_at is not None

    with time_machine.travel(attempt.deadline_at + timedelta(seconds=5), tick=False):
        # when they open the attempt page
        response = client.get(reverse("portal:attempt", args=[attempt.pk]))

        # then the server has submitted it at the deadline and shows the result
        assert response.url == reverse("portal:result", args=[attempt.pk])
        attempt.refresh_from_db()
        assert attempt.status == AttemptStatus.SUBMITTED
        assert attempt.finalised_by == FinalisedBy.DEADLINE
        assert attempt.submitted_at == attempt.deadline_at
        result = client.get(response.url).content.decode()
        assert "the server submitted your attempt" in result


def test_a_save_after_the_deadline_is_refused_and_the_attempt_is_submitted(
    timed_quiz: Assessment, learner: User
) -> None:
    # given an attempt whose deadline has passed while the page stayed open
    attempt = started(timed_quiz, learner)
    client = client_for(learner)
    assert attempt.deadline_at is not None

    with time_machine.travel(attempt.deadline_at + timedelta(seconds=1), tick=False):
        # when the page autosaves an answer
        response = client.post(
            reverse("portal:answer_save", args=[attempt.pk, 2]), {"q2": "WORKDIR"}
        )

    # then the answer is refused with the server's reason, and the attempt was submitted without it
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "deadline_passed"
    assert problem["detail"].startswith("The time limit has passed")
    assert problem["result_url"] == reverse("portal:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.finalised_by == FinalisedBy.DEADLINE
    assert attempt.questions.get(position=2).response is None


def test_a_late_form_post_is_refused_and_leads_to_the_result(
    timed_quiz: Assessment, learner: User
) -> None:
    attempt = started(timed_quiz, learner)
    client = client_for(learner)
    assert attempt.deadline_at is not None

    with time_machine.travel(attempt.deadline_at + timedelta(seconds=1), tick=False):
        response = client.post(
            reverse("portal:attempt", args=[attempt.pk]), {"q2": "WORKDIR", "action": "save"}
        )

    assert response.url == reverse("portal:result", args=[attempt.pk])
    assert attempt.questions.get(position=2).response is None
    assert Attempt.objects.get(pk=attempt.pk).finalised_by == FinalisedBy.DEADLINE


def test_the_attempt_page_carries_the_servers_deadline_for_the_timer(
    timed_quiz: Assessment, learner: User
) -> None:
    attempt = started(timed_quiz, learner)
    assert attempt.deadline_at is not None

    html = client_for(learner).get(reverse("portal:attempt", args=[attempt.pk])).content.decode()

    deadline = attempt.deadline_at.isoformat(timespec="milliseconds")
    assert f'data-deadline="{deadline}"' in html
    assert "data-server-now=" in html
    assert 'role="timer"' in html
    assert 'role="status"' in html
    assert "/static/js/attempt.js" in html


def test_question_markdown_is_rendered_as_sanitised_html(
    make_assessment: AssessmentMaker, section: Section, learner: User
) -> None:
    # given a question whose prompt holds Markdown and a script tag
    spec = spec_of("true_false") | {
        "prompt": "Does `docker run` start a **new** container? <script>alert(1)</script>"
    }
    question = question_create(
        key="portal-markdown",
        section_id=section.pk,
        content=QuestionContent(type="true_false", spec=spec),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
    )
    attempt = started(make_assessment([question]), learner)

    # when the learner opens the attempt
    html = client_for(learner).get(reverse("portal:attempt", args=[attempt.pk])).content.decode()

    # then the Markdown is HTML, not escaped text, and the script is inert
    assert "<code>docker run</code>" in html
    assert "<strong>new</strong>" in html
    assert "&lt;p&gt;" not in html
    assert "<script>alert" not in html
