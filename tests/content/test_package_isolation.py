"""A second course's package cannot take over the first course's content by reusing its names.

Question keys, assessment slugs and certification program slugs are unique across all courses.
A package whose file names one that another course already holds is refused, naming it, and
nothing is written: without that, syncing it would move the Docker course's question, exam or
program into the other course (and staff of one course could take over another's content).
"""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assessments.models import Assessment, Question
from certificates.models import CertificationProgram
from coursepackages.api import course_package_sync_folder, demo_module_id
from coursepackages.problems import PackageInvalid
from courses.models import Course
from tests.content.git_basics import PACKAGE

pytestmark = pytest.mark.django_db

DOCKER_KEY = "s1-shared-host-kernel"
DOCKER_EXAM = "docker-basics-final-exam"
DOCKER_PROGRAM = "docker-basics-certified"


def _reuse_a_question_key(root: Path) -> None:
    path = root / "bank" / "01-how-git-stores-history.yaml"
    path.write_text(path.read_text().replace("key: git-s1-snapshots", f"key: {DOCKER_KEY}"))


def _reuse_the_exam_slug(root: Path) -> None:
    for name in ("assessments.yaml", "certification.yaml"):
        path = root / name
        path.write_text(path.read_text().replace("git-basics-final-exam", DOCKER_EXAM))


def _reuse_the_program_slug(root: Path) -> None:
    path = root / "certification.yaml"
    path.write_text(
        path.read_text().replace("slug: git-basics-certified", f"slug: {DOCKER_PROGRAM}")
    )


@pytest.mark.parametrize(
    ("reuse", "named"),
    [
        (_reuse_a_question_key, DOCKER_KEY),
        (_reuse_the_exam_slug, DOCKER_EXAM),
        (_reuse_the_program_slug, DOCKER_PROGRAM),
    ],
    ids=["question-key", "exam-slug", "program-slug"],
)
def test_a_package_reusing_another_courses_name_is_refused_and_writes_nothing(
    tmp_path: Path, reuse: Callable[[Path], None], named: str
) -> None:
    # given the Docker course, and a Git package that reuses one of its names
    docker_module_id = demo_module_id()
    root = tmp_path / "git-basics"
    shutil.copytree(PACKAGE, root)
    reuse(root)

    # when
    with pytest.raises(PackageInvalid) as refused:
        course_package_sync_folder(path=root)

    # then the problem names the reused name, and the Docker course keeps its content
    assert any(named in str(problem) for problem in refused.value.problems), refused.value
    assert not Course.objects.filter(slug="git-basics").exists()
    assert Question.objects.get(key=DOCKER_KEY).section.module_id == docker_module_id
    assert Assessment.objects.get(slug=DOCKER_EXAM).module_id == docker_module_id
    assert CertificationProgram.objects.get(slug=DOCKER_PROGRAM).module_id == docker_module_id
