"""Mastery per section and per objective: the one read behind the dashboard and /me/progress/."""

from decimal import Decimal

import time_machine
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, FeedbackPolicy, Provenance, Question, QuestionStatus
from assessments.question_types import option_id
from assessments.selectors.attempts import ItemForSave, mastery_for_learner
from assessments.services.answers import attempt_answer_save
from assessments.services.attempts import attempt_submit
from assessments.services.questions import QuestionContent, question_create
from courses.models import LearningObjective, Section
from tests.factories import LearningObjectiveFactory, SectionFactory
from tests.question_examples import spec_of

from .conftest import AssessmentMaker, later, started

CHOICE = spec_of("single_choice")
# The single-choice example answered right, and wrong (its second option)
RIGHT = option_id(CHOICE["options"][0]["text"])
WRONG = option_id(CHOICE["options"][1]["text"])


def _question(section: Section, objectives: list[LearningObjective]) -> Question:
    return question_create(
        key=f"mastery-{Question.objects.count() + 1}",
        section_id=section.pk,
        content=QuestionContent(
            type="single_choice",
            spec=spec_of("single_choice"),
            objective_ids=tuple(objective.pk for objective in objectives),
        ),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
    )


def _take(assessment: Assessment, learner: User, *choices: str) -> None:
    """Start, answer question n with choices[n - 1], submit."""
    attempt = started(assessment, learner)
    items = attempt.questions.select_related("attempt__assessment", "question_version")
    for item in items.order_by("position"):
        attempt_answer_save(item=ItemForSave.of(item), response=choices[item.position - 1])
    attempt_submit(attempt=attempt)


def test_mastery_counts_the_latest_visible_answer_and_never_a_hidden_one(
    make_assessment: AssessmentMaker, learner: User, section: Section
) -> None:
    # given a question answered right in a quiz, then wrong in an exam whose grades come at close
    question = _question(section, [])
    quiz = make_assessment([question])
    exam = make_assessment(
        [question], feedback_policy=FeedbackPolicy.AFTER_CLOSE, closes_at=later(3600)
    )
    _take(quiz, learner, RIGHT)
    _take(exam, learner, WRONG)

    # when mastery is read before and after the exam closes
    before = mastery_for_learner(learner=learner, now=timezone.now())
    with time_machine.travel(later(3700)):
        after = mastery_for_learner(learner=learner, now=timezone.now())

    # then the hidden exam answer counts only once its grade is visible
    assert [(line.id, line.percent, line.needs_review) for line in before.sections] == [
        (section.pk, 100, False)
    ]
    assert [(line.id, line.percent, line.needs_review) for line in after.sections] == [
        (section.pk, 0, True)
    ]


def test_mastery_sums_sections_and_objectives_in_two_queries_within_the_modules_in_scope(
    make_assessment: AssessmentMaker,
    learner: User,
    section: Section,
    django_assert_num_queries,
) -> None:
    # given three questions over two sections and two objectives, two of three answered right
    second = SectionFactory(module=section.module, position=section.position + 1)
    pinning, layers = LearningObjectiveFactory.create_batch(2, module=section.module)
    questions = [
        _question(section, [pinning]),
        _question(section, [pinning, layers]),
        _question(second, [layers]),
    ]
    _take(make_assessment(questions), learner, RIGHT, RIGHT, WRONG)
    # and a quiz in another module, out of scope
    elsewhere = SectionFactory()
    other = make_assessment([_question(elsewhere, [])], in_section=elsewhere)
    _take(other, learner, RIGHT)

    # when mastery is read for the quiz's module only
    with django_assert_num_queries(2):
        mastery = mastery_for_learner(
            learner=learner, now=timezone.now(), module_ids=frozenset({section.module_id})
        )

    # then each section and objective sums its points, in position order, with its reader link
    assert [(line.id, line.points, line.max_points) for line in mastery.sections] == [
        (section.pk, Decimal(2), Decimal(2)),
        (second.pk, Decimal(0), Decimal(1)),
    ]
    assert [line.url for line in mastery.sections] == [
        section.get_absolute_url(),
        second.get_absolute_url(),
    ]
    assert [(line.id, line.title, line.percent) for line in mastery.objectives] == [
        (pinning.pk, pinning.text, 100),
        (layers.pk, layers.text, 50),
    ]
