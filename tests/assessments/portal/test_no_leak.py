"""No answer, grade or feedback reaches the learner's HTML before the policy allows it."""

import pytest
from django.urls import reverse

from accounts.models import User
from assessments.models import Attempt, FeedbackPolicy
from courses.models import Section
from tests.factories import question_build
from tests.question_examples import QUESTION_EXAMPLES, TYPE_NAMES, secrets_found, spec_of

from .conftest import AssessmentMaker, QuestionMaker, client_for, later, started

# Words only the answer side uses; the learner's pages before feedback must not contain them.
ANSWER_WORDS = ("correct", "fraction", "tolerance", "explanation")


def _assert_no_answer_side(html: str, question_type: str, *, own_answer: str = "") -> None:
    """The learner's own saved answer may be on the page; nothing else from the answer side."""
    example = QUESTION_EXAMPLES[question_type]
    lowered = html.lower()
    for word in ANSWER_WORDS:
        assert word not in lowered, f"{question_type}: {word!r} leaked"
    secrets = [secret for secret in example.secrets if secret not in own_answer]
    assert secrets_found(html, secrets) == [], question_type
    # every feedback text of the example carries its codeword: no part of one may show
    assert example.codeword not in html


@pytest.mark.parametrize("question_type", TYPE_NAMES)
@pytest.mark.parametrize(
    "policy",
    [FeedbackPolicy.AFTER_SUBMISSION, FeedbackPolicy.AFTER_CLOSE, FeedbackPolicy.IMMEDIATE],
)
def test_the_attempt_page_before_any_answer_holds_no_answer_side_text(
    question_type: str,
    policy: FeedbackPolicy,
    learner: User,
    make_question: QuestionMaker,
    make_assessment: AssessmentMaker,
) -> None:
    # given a fresh attempt at one question of this type
    attempt = started(
        make_assessment([make_question(question_type)], feedback_policy=policy), learner
    )

    # when the learner opens the attempt page
    html = client_for(learner).get(reverse("portal:attempt", args=[attempt.pk])).content.decode()

    # then the question is there and nothing from the answer side is
    assert 'class="question"' in html
    _assert_no_answer_side(html, question_type)


@pytest.mark.parametrize("question_type", TYPE_NAMES)
@pytest.mark.parametrize("policy", [FeedbackPolicy.AFTER_SUBMISSION, FeedbackPolicy.AFTER_CLOSE])
def test_a_saved_full_credit_answer_reveals_nothing_before_submission(
    question_type: str,
    policy: FeedbackPolicy,
    learner: User,
    make_question: QuestionMaker,
    make_assessment: AssessmentMaker,
) -> None:
    # given an attempt whose question holds a saved full-credit answer
    attempt = started(
        make_assessment([make_question(question_type)], feedback_policy=policy), learner
    )
    client = client_for(learner)
    post = QUESTION_EXAMPLES[question_type].post_for("q1")
    assert client.post(reverse("portal:answer_save", args=[attempt.pk, 1]), post).status_code == 200

    # when the learner opens the attempt page again
    html = client.get(reverse("portal:attempt", args=[attempt.pk])).content.decode()

    # then it shows the answer as saved, but no grade, key or feedback
    assert "Saved" in html
    _assert_no_answer_side(html, question_type, own_answer=repr(post))


@pytest.mark.parametrize("question_type", TYPE_NAMES)
def test_a_save_acknowledgement_holds_no_grade_under_after_submission(
    question_type: str,
    learner: User,
    make_question: QuestionMaker,
    make_assessment: AssessmentMaker,
) -> None:
    # given an attempt under the after-submission policy
    attempt = started(make_assessment([make_question(question_type)]), learner)

    # when the learner saves the full-credit answer
    response = client_for(learner).post(
        reverse("portal:answer_save", args=[attempt.pk, 1]),
        QUESTION_EXAMPLES[question_type].post_for("q1"),
    )

    # then the acknowledgement says saved, and nothing about the grade
    assert response.status_code == 200
    assert set(response.json()) == {"position", "saved_at", "save_count", "seconds_left", "checked"}
    assert response.json()["checked"] is False
    _assert_no_answer_side(response.content.decode(), question_type)


@pytest.mark.parametrize("question_type", TYPE_NAMES)
def test_before_the_assessment_closes_no_page_shows_the_grade_under_after_close(
    question_type: str,
    learner: User,
    make_question: QuestionMaker,
    make_assessment: AssessmentMaker,
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
        QUESTION_EXAMPLES[question_type].post_for("q1"),
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


def test_a_regex_answer_never_reaches_the_attempt_page(
    learner: User, section: Section, make_assessment: AssessmentMaker
) -> None:
    # given the short-text example with a regex answer beside its texts (no Moodle format holds
    # one, so the catalogue example has none)
    spec = spec_of("short_text")
    regex = {"regex": r"RUN\s+cd\s+\S+", "fraction": 0.25, "feedback": "Echidna cd lasts one RUN."}
    spec["answers"].append(regex)
    question = question_build(section=section, question_type="short_text", spec=spec)
    attempt = started(make_assessment([question]), learner)

    # when the learner opens the attempt page
    html = client_for(learner).get(reverse("portal:attempt", args=[attempt.pk])).content.decode()

    # then neither the pattern nor its feedback is there
    assert 'class="question"' in html
    assert regex["regex"] not in html
    _assert_no_answer_side(html, "short_text")
