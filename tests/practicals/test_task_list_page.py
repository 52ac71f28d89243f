"""The learner's list of practical tasks: every course's, under its course; one course's with
`?course=<slug>` (the dashboard's filter, courses.api.course_filter_scope)."""

from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from courses.models import Module
from practicals.models import PracticalTask
from practicals.services.practical_tasks import practical_task_load
from practicals.task_definitions import task_definition_read
from tests.factories import LearningObjectiveFactory, ModuleFactory, SectionFactory
from tests.practicals.conftest import SECTION_SLUGS, write_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def git_task(tmp_path: Path) -> PracticalTask:
    """A task of a second course, "Git Basics"."""
    module = ModuleFactory(slug="module-1-1", course__slug="git-basics", course__title="Git Basics")
    for position, slug in enumerate(SECTION_SLUGS, start=1):
        SectionFactory(module=module, slug=slug, position=position, title=slug.title())
    LearningObjectiveFactory(module=module, position=1, text="Write a Dockerfile for a repo")
    folder = write_task(tmp_path / "git", "git-in-a-box", title="Git in a box")
    practical_task_load(definition=task_definition_read(folder), module_id=module.pk)
    return PracticalTask.objects.get(slug="git-in-a-box")


def _page(client: Client, learner: User, query: str = "") -> str:
    client.force_login(learner)
    response = client.get(f"/practice/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_every_course_s_tasks_are_listed_under_their_course(
    client: Client,
    learner: User,
    task: PracticalTask,
    git_task: PracticalTask,
    course_module: Module,
) -> None:
    page = _page(client, learner)

    docker_heading = page.index(f">{course_module.course.title}</h2>")
    git_heading = page.index(">Git Basics</h2>")
    assert docker_heading < page.index(task.title) < git_heading
    assert git_heading < page.index("Git in a box")


def test_the_course_filter_lists_one_course_s_tasks(
    client: Client, learner: User, task: PracticalTask, git_task: PracticalTask
) -> None:
    page = _page(client, learner, "?course=git-basics")

    assert "Git in a box" in page
    assert task.title not in page
    assert "All courses" in page


def test_an_unknown_course_is_not_found(client: Client, learner: User, task: PracticalTask) -> None:
    client.force_login(learner)

    assert client.get("/practice/?course=no-such-course").status_code == 404
