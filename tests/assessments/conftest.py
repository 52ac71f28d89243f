"""Fixtures for the question-bank tests: the real Docker module, imported as the course ships it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from assessments.models import Provenance, Question, QuestionStatus
from coursepackages.layout import DEMO_ASSESSMENTS_FILE, DEMO_BANK_DIR, DEMO_COURSE_SLUG
from coursepackages.layout import DEMO_MODULE_FILE as DEMO_MODULE_FILE
from courses import api as courses_api
from courses.models import Section
from courses.services import module_import_file
from tests.factories import SectionFactory, question_build
from tests.question_examples import spec_of

__all__ = ["DEMO_COURSE_SLUG", "DEMO_MODULE_FILE"]

QuestionMaker = Callable[..., Question]


@pytest.fixture
def docker_module(db: None) -> int:
    """The id of module 1.1 after importing the real course file."""
    summary = module_import_file(path=DEMO_MODULE_FILE, course_slug=DEMO_COURSE_SLUG)
    assert summary.module_id is not None
    return summary.module_id


@pytest.fixture
def docker_sections(docker_module: int) -> dict[int, int]:
    """{section position: section id} of the imported module."""
    return {
        section.position: section.id
        for section in courses_api.section_list_for_module(module_id=docker_module)
    }


@pytest.fixture
def make_question(db: None) -> QuestionMaker:
    """Creates a question through the service (so it has version 1), in a fresh section; its spec
    is the catalogue example of its type (tests/question_examples.py) unless one is given."""
    counter = iter(range(1, 10_000))

    def make(
        *,
        key: str | None = None,
        section_id: int | None = None,
        spec: dict[str, Any] | None = None,
        question_type: str = "single_choice",
        status: QuestionStatus = QuestionStatus.READY,
        provenance: Provenance = Provenance.AUTHORED,
        tags: tuple[str, ...] = (),
    ) -> Question:
        return question_build(
            section=Section.objects.get(pk=section_id) if section_id else SectionFactory(),
            question_type=question_type,
            spec=spec or spec_of(question_type),
            key=key or f"question-{next(counter)}",
            status=status,
            provenance=provenance,
            tags=tags,
        )

    return make


@pytest.fixture
def docker_catalogue(docker_module: int) -> int:
    """Module 1.1 with the real question bank and the real assessment catalogue loaded."""
    from assessments.services.bank import question_bank_load
    from assessments.services.catalogue import assessments_load

    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    assessments_load(module_id=docker_module, path=DEMO_ASSESSMENTS_FILE)
    return docker_module


@pytest.fixture
def instructor_client(client: Client, instructor: User) -> Client:
    """A browser session logged in as the instructor (the authoring pages' user)."""
    client.force_login(instructor)
    return client
