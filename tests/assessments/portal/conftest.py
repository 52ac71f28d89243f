"""Builders for portal tests: a section, the example question of any type, an assessment over
them."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from assessments.models import (
    Assessment,
    Attempt,
    Question,
)
from assessments.services.attempts import attempt_start
from courses.models import Section
from tests.factories import SectionFactory, assessment_build, question_build
from tests.question_examples import spec_of

type QuestionMaker = Callable[..., Question]
type AssessmentMaker = Callable[..., Assessment]


@pytest.fixture
def section(db: None) -> Section:
    return SectionFactory(title="Writing Production-Ready Dockerfiles", slug="dockerfiles")


@pytest.fixture
def make_question(section: Section) -> QuestionMaker:
    """The catalogue example of a type (tests/question_examples.py), ready, in the section."""

    def make(question_type: str, *, in_section: Section | None = None) -> Question:
        return question_build(
            section=in_section or section, question_type=question_type, spec=spec_of(question_type)
        )

    return make


@pytest.fixture
def make_assessment(section: Section) -> AssessmentMaker:
    def make(
        questions: list[Question], *, in_section: Section | None = None, **settings: Any
    ) -> Assessment:
        return assessment_build(section=in_section or section, questions=questions, **settings)

    return make


@pytest.fixture
def one_question_quiz(make_question: QuestionMaker, make_assessment: AssessmentMaker) -> Assessment:
    return make_assessment([make_question("single_choice")])


@pytest.fixture
def timed_quiz(make_question: QuestionMaker, make_assessment: AssessmentMaker) -> Assessment:
    return make_assessment(
        [make_question("single_choice"), make_question("short_text")], time_limit_seconds=600
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def started(assessment: Assessment, learner: User) -> Attempt:
    return attempt_start(learner=learner, assessment=assessment)


def later(seconds: int) -> Any:
    return timezone.now() + timedelta(seconds=seconds)
