from pathlib import Path

import pytest

from assessments.models import Assessment
from assessments.services.bank import question_bank_load
from assessments.services.catalogue import assessments_load
from coursepackages.layout import DEMO_ASSESSMENTS_FILE, DEMO_BANK_DIR

CATALOGUE_FILE = DEMO_ASSESSMENTS_FILE
FINAL_EXAM_SLUG = "docker-basics-final-exam"


@pytest.fixture(autouse=True)
def bank(docker_module: int) -> None:
    """Blueprints are checked against the bank's pools: the bank loads first (as scripts/start)."""
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)


def test_a_second_load_of_the_same_catalogue_changes_nothing(docker_module: int) -> None:
    # given
    first = assessments_load(module_id=docker_module, path=CATALOGUE_FILE)
    stamps = dict(Assessment.objects.values_list("slug", "updated_at"))

    # when
    second = assessments_load(module_id=docker_module, path=CATALOGUE_FILE)

    # then
    assert FINAL_EXAM_SLUG in first.created
    assert (second.created, second.updated) == ([], [])
    assert sorted(second.unchanged) == sorted(first.created)
    assert dict(Assessment.objects.values_list("slug", "updated_at")) == stamps


def test_it_updates_only_the_assessment_whose_settings_changed(
    docker_module: int, tmp_path: Path
) -> None:
    # given
    assessments_load(module_id=docker_module, path=CATALOGUE_FILE)
    edited = tmp_path / CATALOGUE_FILE.name
    edited.write_text(
        CATALOGUE_FILE.read_text(encoding="utf-8").replace(
            "passing_percent: 75", "passing_percent: 80.5"
        ),
        encoding="utf-8",
    )

    # when
    summary = assessments_load(module_id=docker_module, path=edited)

    # then
    assert summary.updated == [FINAL_EXAM_SLUG]
    assert str(Assessment.objects.get(slug=FINAL_EXAM_SLUG).passing_percent) == "80.50"
    assert assessments_load(module_id=docker_module, path=edited).updated == []
