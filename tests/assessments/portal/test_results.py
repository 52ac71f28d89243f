"""What result, review and dashboard pages show, as feedback policy and review flags allow."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assessments.api import assessment_result_for_learner
from assessments.models import Assessment, FeedbackPolicy, GradingMethod
from assessments.question_types import option_id
from courses.models import Section
from tests.question_examples import QUESTION_EXAMPLES, TYPE_NAMES, spec_of

from .conftest import AssessmentMaker, QuestionMaker, client_for, later, started

CHOICE = spec_of("single_choice")
# The single-choice example answered right, and wrong (its second option)
RIGHT = option_id(CHOICE["options"][0]["text"])
WRONG = option_id(CHOICE["options"][1]["text"])
QUOKKA = QUESTION_EXAMPLES["single_choice"].codeword


def _take(client: Client, assessment: Assessment, learner: User, answers: dict[str, str]) -> int:
    """Start, answer by form post, submit; returns the attempt id."""
    attempt = started(assessment, learner)
    client.post(reverse("portal:attempt", args=[attempt.pk]), {**answers, "action": "save"})
    client.post(reverse("portal:submit", args=[attempt.pk]))
    return attempt.pk


def _result(client: Client, attempt_id: int) -> str:
    response = client.get(reverse("portal:result", args=[attempt_id]))
    assert response.status_code == 200
    return response.content.decode()


def _section_url(section: Section) -> str:
    return reverse(
        "courses:section", args=[section.module.course.slug, section.module.slug, section.slug]
    )


def test_after_submission_the_result_shows_score_review_and_sections_to_review(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User, section: Section
) -> None:
    # given a two-question quiz answered half right
    quiz = make_assessment([make_question("single_choice"), make_question("true_false")])
    client = client_for(learner)
    attempt_id = _take(client, quiz, learner, {"q1": RIGHT, "q2": "false"})

    # when the learner opens the result
    html = _result(client, attempt_id)

    # then the score, pass mark, per-question feedback and a link to the weak section are there
    assert "1 of 2" in html
    assert "(50%)" in html
    assert "Not passed" in html
    assert CHOICE["options"][0]["feedback"] in html  # the chosen option's feedback
    assert spec_of("true_false")["feedback_false"] in html
    assert CHOICE["feedback"] in html
    assert spec_of("true_false")["feedback"] in html
    assert f'href="{_section_url(section)}"' in html
    assert f"Section {section.position}: {section.title}" in html


def test_a_passed_attempt_lists_no_section_to_review(
    one_question_quiz: Assessment, learner: User, section: Section
) -> None:
    client = client_for(learner)
    html = _result(client, _take(client, one_question_quiz, learner, {"q1": RIGHT}))

    assert "(100%)" in html
    assert "Passed" in html
    assert "None: you did well" in html
    assert f'href="{_section_url(section)}"' not in html


def test_after_close_the_result_waits_for_the_close_then_shows_everything(
    one_question_quiz: Assessment, learner: User
) -> None:
    # given an attempt at a quiz whose results come after it closes, an hour from now
    one_question_quiz.feedback_policy = FeedbackPolicy.AFTER_CLOSE
    one_question_quiz.closes_at = later(3600)
    one_question_quiz.save()
    client = client_for(learner)
    attempt_id = _take(client, one_question_quiz, learner, {"q1": WRONG})

    # when the learner looks before the close
    before = _result(client, attempt_id)

    # then the submission is acknowledged, but no score, review or feedback
    assert "Your score is released after the assessment closes" in before
    assert "Score:" not in before
    assert QUOKKA not in before
    assert "Sections to review" not in before

    # and after the close, all of it
    with time_machine.travel(later(3700)):
        after = _result(client, attempt_id)
    assert "Score:" in after
    assert "(0%)" in after
    assert CHOICE["options"][1]["feedback"] in after


def test_immediate_feedback_follows_each_checked_answer_during_the_attempt(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    # given a practice quiz with immediate feedback
    quiz = make_assessment(
        [make_question("single_choice"), make_question("short_text")],
        feedback_policy=FeedbackPolicy.IMMEDIATE,
    )
    attempt = started(quiz, learner)
    client = client_for(learner)

    # when the learner autosaves the first answer, then checks it
    saved = client.post(reverse("portal:answer_save", args=[attempt.pk, 1]), {"q1": WRONG}).json()
    ack = client.post(reverse("portal:answer_check", args=[attempt.pk, 1]), {"q1": WRONG}).json()

    # then the save says nothing of the grade, and the check's acknowledgement carries it
    assert "feedback_html" not in saved
    assert CHOICE["options"][1]["feedback"] in ack["feedback_html"]
    assert "Incorrect" in ack["feedback_html"]
    # and the page shows it under the answered question only
    page = client.get(reverse("portal:attempt", args=[attempt.pk])).content.decode()
    first, second = page.split('id="question-2"')
    assert CHOICE["options"][1]["feedback"] in first
    assert QUESTION_EXAMPLES["short_text"].codeword not in second
    assert "Incorrect" not in second


def test_review_flags_hide_responses_feedback_and_general_feedback(
    one_question_quiz: Assessment, learner: User
) -> None:
    # given a quiz whose review shows only the score per question
    one_question_quiz.review_shows_responses = False
    one_question_quiz.review_shows_feedback = False
    one_question_quiz.review_shows_correct_answers = False
    one_question_quiz.save()
    client = client_for(learner)

    # when the learner opens the result of a right answer
    html = _result(client, _take(client, one_question_quiz, learner, {"q1": RIGHT}))

    # then they see the score, but not their choice, the option feedback or the general feedback
    assert "(100%)" in html
    assert "Question 1" in html
    assert "checked" not in html
    assert QUOKKA not in html  # in the option feedback and the general feedback
    assert CHOICE["feedback"] not in html


def test_review_with_every_flag_on_shows_the_learners_own_answer(
    one_question_quiz: Assessment, learner: User
) -> None:
    client = client_for(learner)
    html = _result(client, _take(client, one_question_quiz, learner, {"q1": WRONG}))

    assert f'value="{WRONG}" checked disabled' in " ".join(html.split())
    assert CHOICE["options"][1]["feedback"] in html


def test_the_dashboard_shows_results_mastery_and_links_to_weak_sections(
    make_question: QuestionMaker,
    make_assessment: AssessmentMaker,
    learner: User,
    section: Section,
    django_assert_max_num_queries,
) -> None:
    # given one failed quiz and one in progress
    failed = make_assessment([make_question("single_choice")], title="Pinning quiz")
    open_quiz = make_assessment([make_question("true_false")], title="Kernel quiz")
    client = client_for(learner)
    _take(client, failed, learner, {"q1": WRONG})
    in_progress = started(open_quiz, learner)

    # when the learner opens the dashboard
    with django_assert_max_num_queries(12):
        html = client.get(reverse("portal:dashboard")).content.decode()

    # then it shows the result, the attempts used, mastery and a link to the weak section
    assert "Pinning quiz" in html
    assert "0%" in html
    assert "Not passed yet" in html
    assert f'href="{reverse("portal:attempt", args=[in_progress.pk])}"' in html
    assert "Mastery by section" in html
    assert f'href="{_section_url(section)}"' in html
    assert f"Review section {section.position}" in html


def _standings_table(html: str) -> str:
    """The dashboard's table of quizzes and exams (not the recent attempts below it), with runs of
    whitespace made single spaces."""
    return " ".join(html.split('id="assessments-heading"')[1].split("</table>")[0].split())


@pytest.mark.parametrize(
    ("grading_method", "result"),
    [
        (GradingMethod.HIGHEST, '100% <span class="badge good">Passed</span>'),
        (GradingMethod.LAST, '0% <span class="badge bad">Not passed yet</span>'),
        (GradingMethod.AVERAGE, '50% <span class="badge bad">Not passed yet</span>'),
    ],
)
def test_the_dashboard_shows_the_result_under_the_grading_method(
    make_question: QuestionMaker,
    make_assessment: AssessmentMaker,
    learner: User,
    grading_method: GradingMethod,
    result: str,
) -> None:
    # given a quiz passed at the first attempt (100%) and failed at the second (0%)
    quiz = make_assessment([make_question("single_choice")], grading_method=grading_method)
    client = client_for(learner)
    _take(client, quiz, learner, {"q1": RIGHT})
    _take(client, quiz, learner, {"q1": WRONG})

    # when the learner opens the dashboard
    table = _standings_table(client.get(reverse("portal:dashboard")).content.decode())

    # then the quiz shows the result its grading method gives, the one certification counts
    assert f"<td>{result} </td>" in table
    graded = assessment_result_for_learner(learner_id=learner.pk, assessment_slug=quiz.slug)
    assert graded is not None
    assert result.startswith(f"{graded.percent:.0f}%")


def test_the_dashboard_includes_the_certification_slot(learner: User) -> None:
    html = client_for(learner).get(reverse("portal:dashboard")).content.decode()

    assert "Certification" in html


def test_an_open_attempt_has_no_result_yet(one_question_quiz: Assessment, learner: User) -> None:
    attempt = started(one_question_quiz, learner)

    response = client_for(learner).get(reverse("portal:result", args=[attempt.pk]))

    assert response.url == reverse("portal:attempt", args=[attempt.pk])


def test_an_example_answer_gets_full_credit_through_the_portal(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    # given one question of every type, answered right through the form post
    quiz = make_assessment([make_question(name) for name in TYPE_NAMES])
    client = client_for(learner)
    answers = {}
    for position, name in enumerate(TYPE_NAMES, start=1):
        answers |= QUESTION_EXAMPLES[name].post_for(f"q{position}")

    # when the attempt is submitted
    html = _result(client, _take(client, quiz, learner, answers))

    # then every question earned full credit
    assert f"{len(TYPE_NAMES)} of {len(TYPE_NAMES)}" in html
    assert "(100%)" in html


def test_a_docker_command_is_graded_by_what_docker_does_through_the_portal(
    make_question: QuestionMaker, make_assessment: AssessmentMaker, learner: User
) -> None:
    # given a practice quiz with two command questions that expect `docker ps -a`
    quiz = make_assessment(
        [make_question("docker_command"), make_question("docker_command")],
        feedback_policy=FeedbackPolicy.IMMEDIATE,
    )
    attempt = started(quiz, learner)
    client = client_for(learner)

    # when the learner checks another spelling with a flag that only changes the presentation
    accepted = client.post(
        reverse("portal:answer_check", args=[attempt.pk, 1]),
        {"q1": "docker container list --all --size"},
    ).json()
    # and, on the other question, one that prints only the IDs
    refused = client.post(
        reverse("portal:answer_check", args=[attempt.pk, 2]), {"q2": "docker ps -aq"}
    ).json()

    # then the first is correct with a remark, the second names the flag as not needed
    assert "Correct." in accepted["feedback_html"]
    assert "does no harm" in accepted["feedback_html"]
    assert "Incorrect." in refused["feedback_html"]
    assert "is not needed here" in refused["feedback_html"]
