"""The .dockerignore rules (graders/dockerignore_rules.py): what a submitted .dockerignore must
exclude, judged by the one matcher Docker's behaviour is modelled in (graders/dockerignore.py)."""

import pytest

from graders import rule_results as ids
from graders.dockerfile_parser import parse_dockerfile
from graders.dockerignore_rules import dockerignore_rules
from tests.graders import course_dockerfiles as course


def test_the_course_dockerignore_passes_every_dockerignore_rule() -> None:
    dockerfile = parse_dockerfile(course.SECTION_3_BASIC_STRUCTURE)

    results = dockerignore_rules(course.SECTION_3_DOCKERIGNORE, dockerfile=dockerfile)

    assert [result.passed for result in results] == [True, True, True]


@pytest.mark.parametrize(
    ("dockerignore_text", "failing_rule"),
    [
        ("node_modules\n.git\n", ids.DOCKERIGNORE_EXCLUDES_ENV),
        ("node_modules\n.env\n", ids.DOCKERIGNORE_EXCLUDES_GIT),
        (".git\n.env\n", ids.DOCKERIGNORE_EXCLUDES_DEPENDENCIES),
        ("*\n!.env\n!src\n", ids.DOCKERIGNORE_EXCLUDES_ENV),
        ("# .env\n.git\nnode_modules\n", ids.DOCKERIGNORE_EXCLUDES_ENV),
    ],
)
def test_it_reports_each_missing_dockerignore_entry(
    dockerignore_text: str, failing_rule: str
) -> None:
    results = dockerignore_rules(dockerignore_text)

    failed = [result.rule_id for result in results if not result.passed]
    assert failed == [failing_rule]


def test_it_asks_python_projects_for_pycache_and_virtualenv_folders() -> None:
    dockerfile = parse_dockerfile("FROM python:3.12-slim\nRUN pip install --no-cache-dir x\n")

    only_pycache = dockerignore_rules(".env\n.git\n**/__pycache__\n", dockerfile=dockerfile)
    both = dockerignore_rules(".env\n.git\n**/__pycache__\n.venv/\n", dockerfile=dockerfile)

    assert not only_pycache[2].passed
    assert ".venv" in only_pycache[2].message
    assert both[2].passed
