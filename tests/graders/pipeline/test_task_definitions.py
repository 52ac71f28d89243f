"""The task folders load into valid specs (no Docker needed)."""

import json

import pytest

from coursepackages.layout import DEMO_TASKS_DIR
from graders.checks import CHECKS
from graders.checks.exchange import PLACEHOLDER, exchange_spec
from graders.course_sections import COURSE_SECTIONS
from graders.data import SubmissionKind
from graders.pipeline import validate_rubric
from graders.tasks import TaskDefinition, load_task, task_slugs

SECTION_SLUGS = {section.slug for section in COURSE_SECTIONS}


def test_the_four_course_tasks_are_defined() -> None:
    assert task_slugs(DEMO_TASKS_DIR) == [
        "container-networking",
        "hardened-container",
        "multi-stage-build",
        "production-dockerfile",
    ]


@pytest.mark.parametrize("slug", task_slugs(DEMO_TASKS_DIR))
def test_a_task_names_only_known_checks_and_sections(slug: str) -> None:
    # when
    task: TaskDefinition = load_task(slug, directory=DEMO_TASKS_DIR)

    # then
    validate_rubric(task.spec)
    assert set(task.sections) <= SECTION_SLUGS
    assert {item.section_slug for item in task.spec.rubric} <= SECTION_SLUGS
    assert all(item.points > 0 for item in task.spec.rubric)
    assert task.instructions_markdown.strip()
    assert task.reference_files


@pytest.mark.parametrize("slug", task_slugs(DEMO_TASKS_DIR))
def test_a_task_has_the_files_its_submission_kind_needs(slug: str) -> None:
    task = load_task(slug, directory=DEMO_TASKS_DIR)
    kind = task.spec.submission_kind
    if kind == SubmissionKind.COMMANDS:
        assert "commands.txt" in task.reference_files
        assert task.spec.images
        for folder in task.spec.images.values():
            assert f"{folder}/Dockerfile" in task.spec.provided_files
    else:
        assert "Dockerfile" in task.reference_files
        assert "Dockerfile" not in task.spec.provided_files


def test_every_registered_check_cites_a_course_section() -> None:
    assert all(check.section.slug in SECTION_SLUGS for check in CHECKS.values())


# Checks whose requests carry values drawn per job (graders.checks.exchange).
EXCHANGE_CHECKS = {"app-round-trip", "api-round-trip-by-name"}


@pytest.mark.parametrize("slug", task_slugs(DEMO_TASKS_DIR))
def test_every_task_requires_its_app_to_answer_values_drawn_per_job(slug: str) -> None:
    # given
    rubric = load_task(slug, directory=DEMO_TASKS_DIR).spec.rubric

    # when
    exchanges = [item for item in rubric if item.check_id in EXCHANGE_CHECKS]

    # then
    assert exchanges
    assert all(item.required for item in exchanges)
    for item in exchanges:
        spec = exchange_spec(item.params, other_keys=frozenset({"api_image"}))
        drawn_names = {value.name for value in spec.values}
        # Every request sends or asks about drawn values, and some answer is checked against
        # them: no constant input, no stored answer.
        assert drawn_names
        for step in spec.steps:
            assert PLACEHOLDER.search(json.dumps([step.path, step.json, step.expect]))
        assert any(PLACEHOLDER.search(json.dumps(step.expect)) for step in spec.steps)
