from pathlib import Path

import pytest
from django.core.management import call_command

from certificates.models import CertificationProgram
from courses.services import module_import_file

DEMO_MODULE = Path(__file__).resolve().parents[2] / "demo/courses/module-1-1-docker-basics.md"

pytestmark = pytest.mark.django_db


def test_the_demo_program_loads_once_with_its_requirements(capsys):
    module_import_file(path=DEMO_MODULE, course_slug="docker-basics")

    call_command("load_certification_programs")
    call_command("load_certification_programs")

    output = capsys.readouterr().out.splitlines()
    program = CertificationProgram.objects.get()
    assert output == [
        "Certification program docker-basics-certified: created.",
        "Certification program docker-basics-certified: unchanged.",
    ]
    assert program.final_exam_slug == "docker-basics-final-exam"
    assert list(program.required_tasks.values_list("task_slug", flat=True)) == [
        "production-dockerfile",
        "multi-stage-build",
        "container-networking",
        "hardened-container",
    ]


def test_it_refuses_a_catalogue_for_a_module_that_was_not_imported():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="import the course first"):
        call_command("load_certification_programs")
