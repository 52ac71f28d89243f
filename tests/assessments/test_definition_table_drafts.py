"""Two-column tables of any course (a term, then what it means) give draft questions: a matching
item and a choice per row, stored through the drafts service like every other draft."""

from pathlib import Path

import pytest

from assessments.generators.definitions import DEFINITION_DISTRACTORS
from assessments.models import Question, QuestionStatus
from assessments.services.drafts import drafts_generate
from courses.services import module_import_file

pytestmark = pytest.mark.django_db

MODULE = """\
# Module 2.1: Kubernetes Pods

## Learning Objectives

- Explain the fields of a Pod

## Section 1: Pod Fields

| Field | Meaning |
|-------|---------|
| `spec.containers` | the containers the Pod runs |
| `restartPolicy` | what happens when a container exits |
| `nodeSelector` | which nodes may run the Pod |
| `volumes` | storage the containers can mount |
| `hostNetwork` | whether the Pod uses the node's network |

## Section 2: Tables That Say Nothing

| Flag | Meaning |
|------|---------|
| `-a` | all |
| `-b` | all |
| `-c` | some |

| Command | What it does |
|---------|--------------|
| `kubectl get` | lists |
| `kubectl describe` | shows |
"""


def _generated(tmp_path: Path) -> list[Question]:
    path = tmp_path / "module.md"
    path.write_text(MODULE, encoding="utf-8")
    summary = module_import_file(path=path, course_slug="k8s", course_title="Kubernetes")
    assert summary.module_id is not None
    drafts_generate(module_id=summary.module_id)
    return list(
        Question.objects.filter(tags__name="definition-table")
        .select_related("current_version", "section")
        .order_by("key")
    )


def test_a_definition_table_gives_a_matching_item_and_a_choice_per_row(tmp_path: Path) -> None:
    drafts = _generated(tmp_path)

    by_type = sorted(question.current_version.type for question in drafts)
    assert by_type == ["matching"] + ["single_choice"] * 5
    assert {question.status for question in drafts} == {QuestionStatus.DRAFT}
    assert {question.section.title for question in drafts} == {"Pod Fields"}


def test_every_choice_has_one_right_meaning_and_other_rows_meanings_as_distractors(
    tmp_path: Path,
) -> None:
    table = {
        "spec.containers": "the containers the Pod runs",
        "restartPolicy": "what happens when a container exits",
        "nodeSelector": "which nodes may run the Pod",
        "volumes": "storage the containers can mount",
        "hostNetwork": "whether the Pod uses the node's network",
    }
    choices = [q for q in _generated(tmp_path) if q.current_version.type == "single_choice"]

    asked = set()
    for question in choices:
        spec = question.current_version.spec
        (term,) = [name for name in table if f"**{name}**" in spec["prompt"]]
        asked.add(term)
        right = [option["text"] for option in spec["options"] if option["correct"]]
        wrong = [option["text"] for option in spec["options"] if not option["correct"]]
        assert right == [table[term]]
        assert len(wrong) == DEFINITION_DISTRACTORS
        assert set(wrong) <= set(table.values()) - {table[term]}
    assert asked == set(table)


def test_the_matching_item_pairs_every_term_with_its_meaning(tmp_path: Path) -> None:
    (matching,) = [q for q in _generated(tmp_path) if q.current_version.type == "matching"]

    pairs = matching.current_version.spec["pairs"]
    assert {pair["left"]: pair["right"] for pair in pairs}["restartPolicy"] == (
        "what happens when a container exits"
    )
    assert len(pairs) == 5


def test_a_second_run_creates_no_second_copy(tmp_path: Path) -> None:
    first = _generated(tmp_path)

    summary = drafts_generate(module_id=first[0].section.module_id)

    assert summary.created == []
    assert Question.objects.filter(tags__name="definition-table").count() == len(first)
