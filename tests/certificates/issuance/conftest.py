"""Fixtures for certification against the database: a module with a final exam and two tasks.

Results are created directly as assessments and practicals rows (as their grading would leave
them); certificates are only ever created through the certificates services.
"""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from certification_builders import EXAM_SLUG, SITE_URL, TASK_SLUGS, practical_task

from assessments.models import Assessment, AssessmentKind
from certificates import issuer
from certificates.models import CertificationProgram, RequiredPracticalTask
from courses.models import Module
from practicals.models import PracticalTask
from quayside.celery import app as celery_app
from tests.factories import ModuleFactory


@pytest.fixture(autouse=True)
def certificate_settings(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Each test gets its own key ring and media directory, and runs tasks in process."""
    settings.CERTIFICATE_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = SITE_URL
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    issuer._cached = None
    yield tmp_path / "keys"
    celery_app.conf.task_always_eager = eager
    issuer._cached = None


@pytest.fixture
def module(db: None) -> Module:
    built: Module = ModuleFactory(title="Docker fundamentals")
    return built


@pytest.fixture
def final_exam(module: Module) -> Assessment:
    return Assessment.objects.create(
        slug=EXAM_SLUG,
        title="Docker final exam",
        kind=AssessmentKind.FINAL_EXAM,
        module=module,
        passing_percent=Decimal(70),
    )


@pytest.fixture
def tasks(module: Module) -> list[PracticalTask]:
    return [practical_task(module, slug) for slug in TASK_SLUGS]


@pytest.fixture
def program(
    module: Module, final_exam: Assessment, tasks: list[PracticalTask]
) -> CertificationProgram:
    built = CertificationProgram.objects.create(
        slug="docker-associate",
        title="Docker Associate",
        module=module,
        description="Builds small images and runs multi-container applications.",
        final_exam_slug=final_exam.slug,
        validity_days=730,
    )
    for position, task in enumerate(tasks):
        RequiredPracticalTask.objects.create(program=built, task_slug=task.slug, position=position)
    return built
