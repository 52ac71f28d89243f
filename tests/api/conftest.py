"""Fixtures for the LMS REST API: token clients, one question of every type, assessments."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import (
    Assessment,
    FeedbackPolicy,
    Question,
)
from assessments.question_types import option_id
from courses.models import Section
from tests.factories import (
    LearningObjectiveFactory,
    ModuleFactory,
    SectionFactory,
    assessment_build,
    question_build,
)

# Written into every answer key and every feedback text: a response that carries it leaks.
MARKER = "leakmark"
NUMERIC_ANSWER = 4242.5
GENERAL_FEEDBACK = f"Section 1: {MARKER} general feedback."

GOOD_DOCKERFILE = 'FROM python:3.12.1-slim\nCMD ["python", "app.py"]\n'

SPECS: dict[str, dict[str, Any]] = {
    "single_choice": {
        "prompt": "Which command lists running containers?",
        "options": [
            {"text": "docker ps", "correct": True, "feedback": f"{MARKER} right"},
            {"text": "docker images", "correct": False, "feedback": f"{MARKER} wrong"},
            {"text": "docker build", "correct": False, "feedback": f"{MARKER} wrong"},
        ],
    },
    "multiple_response": {
        "prompt": "Which are Docker objects?",
        "options": [
            {"text": "Image", "correct": True, "feedback": f"{MARKER} yes"},
            {"text": "Container", "correct": True, "feedback": f"{MARKER} yes"},
            {"text": "Hypervisor", "correct": False, "feedback": f"{MARKER} no"},
        ],
    },
    "true_false": {
        "prompt": "Containers share the host kernel.",
        "answer": True,
        "feedback_true": f"{MARKER} true",
        "feedback_false": f"{MARKER} false",
    },
    "short_text": {
        "prompt": "Name the feature that isolates what a process sees.",
        "answers": [{"text": f"{MARKER} answer", "fraction": 1, "feedback": f"{MARKER} yes"}],
    },
    "docker_command": {
        "prompt": "Pull the image without running it.",
        "answers": [
            {"command": f"docker pull {MARKER}:1", "fraction": 1, "feedback": f"{MARKER} ok"}
        ],
    },
    "numeric": {
        "prompt": "How many retries?",
        "answers": [
            {"value": NUMERIC_ANSWER, "tolerance": 0, "fraction": 1, "feedback": f"{MARKER} ok"}
        ],
    },
    "ordering": {
        "prompt": "Order the layers from the bottom.",
        "items": ["Hardware", "Host OS", "Hypervisor", "Guest OS"],
    },
    "matching": {
        "prompt": "Match each object to what it is.",
        "pairs": [
            {"left": "Image", "right": "A read-only template"},
            {"left": "Container", "right": "A running instance"},
        ],
        "distractors": ["A virtual machine"],
    },
    "dockerfile": {
        "prompt": "Pin the base image and use the exec form.",
        "starter": "FROM python:latest\nCMD python app.py\n",
        "rules": ["base-image-tag-pinned", "exec-form-cmd-entrypoint"],
    },
}
QUESTION_TYPE_NAMES = sorted(SPECS)


def right_answer(question_type: str) -> Any:
    """The fully correct response for SPECS[question_type]."""
    spec = SPECS[question_type]
    if question_type == "single_choice":
        return option_id("docker ps")
    if question_type == "multiple_response":
        return [option_id(o["text"]) for o in spec["options"] if o["correct"]]
    if question_type == "true_false":
        return True
    if question_type == "short_text":
        return f"{MARKER} answer"
    if question_type == "docker_command":
        return f"docker pull {MARKER}:1"
    if question_type == "numeric":
        return NUMERIC_ANSWER
    if question_type == "ordering":
        return [option_id(item) for item in spec["items"]]
    if question_type == "matching":
        return {option_id(p["left"]): option_id(p["right"]) for p in spec["pairs"]}
    return GOOD_DOCKERFILE


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
    objective = LearningObjectiveFactory(module=section.module, position=1)

    def make(question_type: str, *, key: str | None = None) -> Question:
        return question_build(
            section=section,
            question_type=question_type,
            spec={**SPECS[question_type], "feedback": GENERAL_FEEDBACK},
            key=key or question_type.replace("_", "-"),
            objectives=[objective],
        )

    return make


@pytest.fixture
def make_assessment(section: Section) -> Callable[..., Assessment]:
    def make(
        questions: list[Question],
        *,
        slug: str = "quiz",
        policy: str = FeedbackPolicy.AFTER_SUBMISSION,
        **fields: Any,
    ) -> Assessment:
        return assessment_build(
            section=section,
            questions=questions,
            slug=slug,
            title=slug.title(),
            feedback_policy=policy,
            **fields,
        )

    return make


@pytest.fixture
def quiz(make_question: Callable[..., Question], make_assessment: Callable[..., Assessment]):
    """Three single-choice questions, feedback after submission, a 10-minute limit."""
    questions = [make_question("single_choice", key=f"choice-{n}") for n in range(3)]
    return make_assessment(questions, time_limit_seconds=600, attempts_allowed=2)
