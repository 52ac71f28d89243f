"""A three-question quiz that learners take through the production path (start, save, submit)."""

from collections.abc import Callable

import pytest

from accounts.models import Role, User
from assessments.attempt_selectors import ItemForSave
from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    Attempt,
    GradingMethod,
    Provenance,
    Question,
    QuestionStatus,
)
from assessments.question_types import option_id
from assessments.services.answers import attempt_answer_save
from assessments.services.attempts import attempt_start, attempt_submit
from assessments.services.questions import QuestionContent, question_create
from courses.models import Section
from tests.factories import SectionFactory, UserFactory

type Taker = Callable[..., Attempt]

CHOICE_SPEC = {
    "prompt": "Which instruction copies local files into the image?",
    "feedback": "Section 3: plain copies use COPY.",
    "options": [
        {"text": "COPY", "correct": True},
        {"text": "ADD --from", "correct": False},
        {"text": "RUN cp", "correct": False},
    ],
}
TRUE_FALSE_SPEC = {
    "prompt": "A container has its own kernel.",
    "answer": False,
    "feedback": "Section 1: containers share the host's kernel.",
}
ORDER_SPEC = {
    "prompt": "Which base image tag is pinned?",
    "feedback": "Section 3: pin the base image.",
    "options": [
        {"text": "node:18.17.1", "correct": True},
        {"text": "node:latest", "correct": False},
    ],
}
COPY, ADD, RUN = (option_id(text) for text in ("COPY", "ADD --from", "RUN cp"))
PINNED, LATEST = option_id("node:18.17.1"), option_id("node:latest")


@pytest.fixture
def stats_section(db: None) -> Section:
    return SectionFactory(title="Writing Production-Ready Dockerfiles", slug="dockerfiles")


def _question(key: str, question_type: str, spec: dict, section: Section) -> Question:
    return question_create(
        key=key,
        section_id=section.pk,
        content=QuestionContent(type=question_type, spec=spec),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
    )


@pytest.fixture
def quiz(stats_section: Section) -> Assessment:
    """Three fixed questions: copy (single choice), kernel (true/false), pin (single choice)."""
    assessment = Assessment.objects.create(
        slug="stats-quiz",
        title="Statistics quiz",
        kind=AssessmentKind.SECTION_QUIZ,
        module=stats_section.module,
        section=stats_section,
        shuffle_questions=False,
        grading_method=GradingMethod.AVERAGE,
        passing_percent=60,
    )
    questions = [
        _question("copy", "single_choice", CHOICE_SPEC, stats_section),
        _question("kernel", "true_false", TRUE_FALSE_SPEC, stats_section),
        _question("pin", "single_choice", ORDER_SPEC, stats_section),
    ]
    for position, question in enumerate(questions, start=1):
        AssessmentSlot.objects.create(assessment=assessment, position=position, question=question)
    return assessment


@pytest.fixture
def take(db: None) -> Taker:
    """take(assessment, learner, copy=..., kernel=..., pin=...): start, answer, submit."""

    def taking(assessment: Assessment, learner: User, **answers: object) -> Attempt:
        attempt = attempt_start(learner=learner, assessment=assessment)
        items = attempt.questions.select_related(
            "question_version__question", "attempt__assessment"
        )
        for item in items:
            response = answers.get(item.question_version.question.key)
            if response is not None:
                attempt_answer_save(item=ItemForSave.of(item), response=response)
        return attempt_submit(attempt=attempt)

    return taking


def learners(count: int) -> list[User]:
    return [UserFactory(role=Role.LEARNER) for _ in range(count)]


# Four learners' answers: (copy, kernel, pin). Marks per attempt (copy, kernel, pin):
# 1,1,1 / 1,1,0 / 0,1,0 / 0,0,1 -> totals 3, 2, 1, 1.
FOUR_ANSWERS = [
    {"copy": COPY, "kernel": "false", "pin": PINNED},
    {"copy": COPY, "kernel": "false", "pin": LATEST},
    {"copy": ADD, "kernel": "false", "pin": LATEST},
    {"copy": ADD, "kernel": "true", "pin": PINNED},
]


@pytest.fixture
def four_attempts(quiz: Assessment, take: Taker) -> list[Attempt]:
    return [
        take(quiz, learner, **answers)
        for learner, answers in zip(learners(4), FOUR_ANSWERS, strict=True)
    ]
