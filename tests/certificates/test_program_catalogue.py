"""The Docker package's certification.yaml, loaded through the package sync."""

import pytest

from certificates.models import CertificationProgram
from coursepackages.api import course_package_sync_folder

pytestmark = pytest.mark.django_db


def test_the_demo_program_loads_once_with_its_requirements() -> None:
    first = course_package_sync_folder()
    second = course_package_sync_folder()

    program = CertificationProgram.objects.get()
    assert first.diff.names("certification programs", "created") == ["docker-basics-certified"]
    assert second.diff.names("certification programs", "unchanged") == ["docker-basics-certified"]
    assert program.final_exam_slug == "docker-basics-final-exam"
    assert list(program.required_tasks.values_list("task_slug", flat=True)) == [
        "production-dockerfile",
        "multi-stage-build",
        "container-networking",
        "hardened-container",
    ]
