"""Fixtures for the LMS REST API: token clients, the example question of any type, assessments."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, Question
from courses.models import Section
from tests.factories import (
    LearningObjectiveFactory,
    ModuleFactory,
    SectionFactory,
    assessment_build,
    question_build,
)
from tests.question_examples import spec_of


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    # Throttle counters live in the cache, which outlives a test's database transaction.
    cache.clear()


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def api(client_for: Callable[[User], APIClient], learner: User) -> APIClient:
    return client_for(learner)


@pytest.fixture
def section(db: None) -> Section:
    return SectionFactory(module=ModuleFactory(), position=1)


@pytest.fixture
def make_question(section: Section) -> Callable[..., Question]:
    """The catalogue example of a type (tests/question_examples.py), on the section's objective."""
    objective = LearningObjectiveFactory(module=section.module, position=1)

    def make(question_type: str, *, key: str | None = None) -> Question:
        return question_build(
            section=section,
            question_type=question_type,
            spec=spec_of(question_type),
            key=key or question_type.replace("_", "-"),
            objectives=[objective],
        )

    return make


@pytest.fixture
def make_assessment(section: Section) -> Callable[..., Assessment]:
    def make(questions: list[Question], *, slug: str = "quiz", **fields: Any) -> Assessment:
        return assessment_build(section=section, questions=questions, slug=slug, **fields)

    return make


@pytest.fixture
def quiz(make_question: Callable[..., Question], make_assessment: Callable[..., Assessment]):
    """Three single-choice questions, feedback after submission, a 10-minute limit."""
    questions = [make_question("single_choice", key=f"choice-{n}") for n in range(3)]
    return make_assessment(questions, time_limit_seconds=600, attempts_allowed=2)
