"""No correct answer, fraction or feedback reaches the learner's HTML before the policy allows it."""

import pytest
from django.urls import reverse

from accounts.models import User
from assessments.models import Attempt, FeedbackPolicy

from .conftest import AssessmentMaker, QuestionMaker, client_for, later, started
from .portal_examples import EXAMPLES

# Words only the answer side uses; the learner's pages before feedback must not contain them.
ANSWER_WORDS = ("correct", "fraction", "tolerance", "explanation")


def _assert_no_answer_side(html: str, question_type: str) -> None:
    lowered = html.lower()
    for word in ANSWER_WORDS:
        assert word not in lowered, f"{question_type}: {word!r} leaked"
    for secret in EXAMPLES[question_type]().leaks:
        assert secret not in html, f"{question_type}: {secret!r} leaked"


@pytest.mark.parametrize("question_type", sorted(EXAMPLES))
@pytest.mark.parametrize(
    "policy", [FeedbackPolicy.AFTER_SUBMISSION, FeedbackPolicy.AFTER_CLOSE, FeedbackPolicy.IMMEDIATE]
)
def test_the_attempt_page_before_submission_holds_no_answer_side_text(
    question_type: str,
    policy: FeedbackPolicy,
    learner: User,
    make_question: QuestionMaker,
    make_assessment: AssessmentMaker,
) -> None:
    # given an attempt at one question of this type, answered but not submitted
    assessment = make_assessment([make_question(question_type)], feedback_policy=policy)
    attempt = started(assessment, learner)
    client = client_for(learner)
    saved = client.post(
        reverse("portal:answer_save", args=[attempt.pk, 1]),
        EXAMPLES[question_type]().post_for("q1"),
    )
    assert saved.status_code == 200
    if policy == FeedbackPolicy.IMMEDIATE:
        # Immediate feedback is for answered questions only: check an unanswered one too.
        attempt = started(make_assessment([make_question(question_type)]), learner)

    # when the learner opens the attempt page
    html = client.get(reverse("portal:attempt", args=[attempt.pk])).content.decode()

    # then nothing from the answer side is in it
    assert 'class="question"' in html
    _assert_no_answer_side(html, question_type)


@pytest.mark.parametrize("question_type", sorted(EXAMPLES))
def test_a_save_acknowledgement_holds_no_grade_under_after_submission(
    question_type: str, learner: User, make_question: QuestionMaker, make_assessment: AssessmentMaker
) -> None:
    # given an attempt under the after-submission policy
    attempt = started(make_assessment([make_question(question_type)]), learner)

    # when the learner saves the full-credit answer
    response = client_for(learner).post(
        reverse("portal:answer_save", args=[attempt.pk, 1]),
        EXAMPLES[question_type]().post_for("q1"),
    )

    # then the acknowledgement says saved, and nothing about the grade
    assert response.status_code == 200
    assert set(response.json()) == {"position", "saved_at", "save_count", "seconds_left"}
    _assert_no_answer_side(response.content.decode(), question_type)


@pytest.mark.parametrize("question_type", sorted(EXAMPLES))
def test_before_the_assessment_closes_no_page_shows_the_grade_under_after_close(
    question_type: str, learner: User, make_question: QuestionMaker, make_assessment: AssessmentMaker
) -> None:
    # given a submitted attempt at an assessment whose results come after it closes
    assessment = make_assessment(
        [make_question(question_type)],
        feedback_policy=FeedbackPolicy.AFTER_CLOSE,
        closes_at=later(3600),
    )
    attempt = started(assessment, learner)
    client = client_for(learner)
    client.post(
        reverse("portal:answer_save", args=[attempt.pk, 1]),
        EXAMPLES[question_type]().post_for("q1"),
    )
    client.post(reverse("portal:submit", args=[attempt.pk]))
    assert Attempt.objects.get(pk=attempt.pk).percent == 100

    # when the learner opens the result, the assessment and the dashboard
    pages = [
        client.get(reverse("portal:result", args=[attempt.pk])),
        client.get(reverse("portal:assessment", args=[assessment.slug])),
        client.get(reverse("portal:dashboard")),
    ]

    # then none of them shows the score or any answer-side text
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "100%" not in html
        assert "Passed" not in html
        _assert_no_answer_side(html, question_type)
