"""Fixtures for the grading pipeline's integration tests: the sandbox's engine, base images and
job id fixtures (the job id fixture fails the test if anything labelled with the job is left),
plus the tasks loaded from the demo course package (content/docker-basics/tasks).

Without an engine these tests skip on a laptop but FAIL in CI (`CI=true`).
"""

import pytest

from coursepackages.layout import DEMO_TASKS_DIR
from graders.tasks import TaskDefinition, load_task
from tests.graders.sandbox.conftest import (
    base_images,
    docker_client,
    image_cache_dir,
    job_id,
)

__all__ = ["base_images", "docker_client", "image_cache_dir", "job_id", "tasks"]


@pytest.fixture(scope="session")
def tasks() -> dict[str, TaskDefinition]:
    from graders.tasks import task_slugs

    return {slug: load_task(slug, directory=DEMO_TASKS_DIR) for slug in task_slugs(DEMO_TASKS_DIR)}
