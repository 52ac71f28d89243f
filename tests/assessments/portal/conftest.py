"""Builders for portal tests: a section, ready questions of any type, an assessment over them."""

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

from .portal_examples import EXAMPLES

type QuestionMaker = Callable[..., Question]
type AssessmentMaker = Callable[..., Assessment]


@pytest.fixture
def section(db: None) -> Section:
    return SectionFactory(title="Writing Production-Ready Dockerfiles", slug="dockerfiles")


@pytest.fixture
def make_question(section: Section) -> QuestionMaker:
    def make(question_type: str, *, key: str = "", in_section: Section | None = None) -> Question:
        return question_build(
            section=in_section or section,
            question_type=question_type,
            spec=EXAMPLES[question_type]().spec,
            key=key or f"portal-{question_type.replace('_', '-')}-{Question.objects.count()}",
        )

    return make


@pytest.fixture
def make_assessment(section: Section) -> AssessmentMaker:
    def make(
        questions: list[Question], *, in_section: Section | None = None, **settings: Any
    ) -> Assessment:
        values: dict[str, Any] = {
            "slug": f"portal-quiz-{Assessment.objects.count() + 1}",
            "title": "Dockerfile quiz",
            **settings,
        }
        return assessment_build(section=in_section or section, questions=questions, **values)

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
