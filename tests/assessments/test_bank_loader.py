"""Loading a package's bank/*.yaml into the database: counts, idempotence, revisions, errors."""

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assessments.models import Provenance, Question, QuestionStatus, QuestionVersion
from assessments.services.bank import BankError, question_bank_load
from assessments.services.bank_policy import (
    GIVEAWAY_LENGTH_RATIO,
    MIN_EXAMPLES_PER_KIND,
    bank_policy_errors,
)
from assessments.services.questions import question_status_set
from coursepackages.layout import DEMO_BANK_DIR
from courses import api as courses_api
from courses.models import LearningObjective
from courses.services import module_import_file
from tests.assessments.conftest import DEMO_COURSE_SLUG, DEMO_MODULE_FILE

MIN_READY = 84
MIN_PER_SECTION = 12
MIN_TYPES = 7


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    """A writable copy of the real bank files."""
    directory = tmp_path / "bank"
    shutil.copytree(DEMO_BANK_DIR, directory)
    return directory


def _rewrite(path: Path, key: str, **changes: object) -> None:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in items:
        if item["key"] == key:
            item.update(changes)
    path.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _snapshot() -> dict[str, tuple[object, ...]]:
    return {
        question.key: (
            question.pk,
            question.updated_at,
            question.current_version_id,
            question.status,
        )
        for question in Question.objects.all()
    }


def test_the_bank_loads_84_or_more_ready_questions_with_12_per_section_and_7_types(
    docker_module: int, docker_sections: dict[int, int]
) -> None:
    summary = question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)

    ready = Question.objects.filter(status=QuestionStatus.READY).select_related("current_version")
    assert len(summary.created) == ready.count() >= MIN_READY
    per_section = Counter(question.section_id for question in ready)
    assert set(per_section) == set(docker_sections.values())
    assert min(per_section.values()) >= MIN_PER_SECTION
    assert len({question.current_version.type for question in ready}) >= MIN_TYPES  # type: ignore[union-attr]
    assert set(ready.values_list("provenance", flat=True)) == {Provenance.BANK}


def test_every_bank_question_is_linked_to_objectives_and_cites_its_section(
    docker_module: int, docker_sections: dict[int, int]
) -> None:
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    position_of = {section_id: position for position, section_id in docker_sections.items()}

    versions = QuestionVersion.objects.select_related("question").prefetch_related("objectives")
    for version in versions:
        assert version.objectives.exists(), version.question.key
        assert f"Section {position_of[version.question.section_id]}" in version.spec["feedback"]


def test_loading_twice_changes_no_row(docker_module: int) -> None:
    # given
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    before = _snapshot()
    versions_before = QuestionVersion.objects.count()
    # when
    summary = question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    # then
    assert summary.created == summary.revised == []
    assert len(summary.unchanged) == len(before)
    assert _snapshot() == before
    assert QuestionVersion.objects.count() == versions_before


def test_loading_twice_writes_no_row_and_reads_in_few_queries(
    docker_module: int, django_assert_max_num_queries: object
) -> None:
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)

    # Set-up reads only: an unchanged question costs no query of its own.
    with django_assert_max_num_queries(10) as captured:  # type: ignore[operator]
        question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)

    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_a_changed_question_in_the_file_gets_a_new_version_and_keeps_the_old_one(
    docker_module: int, bank_copy: Path
) -> None:
    # given
    question_bank_load(module_id=docker_module, directory=bank_copy)
    question = Question.objects.get(key="s1-shared-host-kernel")
    old_prompt = question.current_version.spec["prompt"]  # type: ignore[union-attr]
    _rewrite(
        bank_copy / "01-understanding-containers-vs-virtual-machines.yaml",
        "s1-shared-host-kernel",
        prompt="What do containers on one host share that VMs do not?",
    )
    # when
    summary = question_bank_load(module_id=docker_module, directory=bank_copy)
    # then
    assert summary.revised == ["s1-shared-host-kernel"]
    assert summary.created == []
    question.refresh_from_db()
    assert question.current_version.number == 2  # type: ignore[union-attr]
    assert question.current_version.spec["prompt"].startswith("What do containers")  # type: ignore[union-attr]
    assert question.versions.get(number=1).spec["prompt"] == old_prompt


def test_a_question_moved_to_another_section_in_the_file_moves_without_a_new_version(
    docker_module: int, bank_copy: Path, docker_sections: dict[int, int]
) -> None:
    question_bank_load(module_id=docker_module, directory=bank_copy)
    _rewrite(
        bank_copy / "01-understanding-containers-vs-virtual-machines.yaml",
        "s1-shared-host-kernel",
        section="docker-architecture",
    )

    summary = question_bank_load(module_id=docker_module, directory=bank_copy)

    question = Question.objects.get(key="s1-shared-host-kernel")
    assert summary.revised == ["s1-shared-host-kernel"]
    assert question.section_id == docker_sections[2]
    assert question.versions.count() == 1


def test_a_retired_bank_question_stays_retired_after_a_reload(docker_module: int) -> None:
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    question = Question.objects.get(key="s1-shared-host-kernel")
    question_status_set(question=question, status=QuestionStatus.RETIRED)

    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)

    question.refresh_from_db()
    assert question.status == QuestionStatus.RETIRED


def test_a_broken_bank_file_writes_nothing_and_names_every_problem(
    docker_module: int, bank_copy: Path
) -> None:
    # given one valid file stays, and two questions elsewhere are broken
    _rewrite(
        bank_copy / "03-writing-production-ready-dockerfiles.yaml",
        "s3-pin-base-tag",
        section="no-such-section",
    )
    items = yaml.safe_load((bank_copy / "02-docker-architecture.yaml").read_text())
    items[0]["corect"] = True
    (bank_copy / "02-docker-architecture.yaml").write_text(yaml.safe_dump(items, sort_keys=False))
    # when
    with pytest.raises(BankError) as raised:
        question_bank_load(module_id=docker_module, directory=bank_copy)
    # then
    assert Question.objects.count() == 0
    assert any("unknown section 'no-such-section'" in p for p in raised.value.problems)
    assert any(
        p.startswith("02-docker-architecture.yaml") and "corect" in p for p in raised.value.problems
    )


def test_a_file_that_is_not_yaml_writes_nothing(docker_module: int, bank_copy: Path) -> None:
    (bank_copy / "99-broken.yaml").write_text("- key: [unclosed\n")

    with pytest.raises(BankError, match=r"99-broken\.yaml: not valid YAML"):
        question_bank_load(module_id=docker_module, directory=bank_copy)

    assert Question.objects.count() == 0


def test_a_key_used_twice_is_an_error(docker_module: int, bank_copy: Path) -> None:
    items = yaml.safe_load((bank_copy / "02-docker-architecture.yaml").read_text())
    items[1]["key"] = items[0]["key"]
    (bank_copy / "02-docker-architecture.yaml").write_text(yaml.safe_dump(items, sort_keys=False))

    with pytest.raises(BankError, match="the key is used twice"):
        question_bank_load(module_id=docker_module, directory=bank_copy)

    assert Question.objects.count() == 0


# --- the bank's own rules: giveaways, worked examples --------------------------------------


def test_the_loader_refuses_a_single_choice_key_that_gives_itself_away_by_its_length(
    docker_module: int, bank_copy: Path
) -> None:
    # given a key more than 30 % longer than every distractor
    path = bank_copy / "01-understanding-containers-vs-virtual-machines.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = next(item for item in items if item["key"] == "s1-cgroups-limits")
    item["options"][0]["text"] = (
        "Control groups (cgroups), which account for and cap CPU, memory and process counts"
    )
    path.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True), encoding="utf-8")
    # when
    with pytest.raises(BankError) as raised:
        question_bank_load(module_id=docker_module, directory=bank_copy)
    # then the item is named with the lengths, and nothing is written
    (problem,) = raised.value.problems
    assert problem.startswith(f"{path.name}: s1-cgroups-limits: options: the correct option")
    assert f"more than {round((GIVEAWAY_LENGTH_RATIO - 1) * 100)} % longer" in problem
    assert "(the longest has 21)" in problem
    assert Question.objects.count() == 0


def test_a_key_exactly_at_the_giveaway_limit_is_accepted() -> None:
    distractor = "x" * 20
    spec = {
        "options": [
            {"text": "k" * round(20 * GIVEAWAY_LENGTH_RATIO), "correct": True},
            {"text": distractor, "correct": False},
        ]
    }
    longer = {"options": [{"text": "k" * 27, "correct": True}, spec["options"][1]]}

    assert bank_policy_errors(question_type="single_choice", spec=spec) == []
    assert len(bank_policy_errors(question_type="single_choice", spec=longer)) == 1


def test_the_loader_refuses_a_typed_answer_item_with_too_few_examples(
    docker_module: int, bank_copy: Path
) -> None:
    path = bank_copy / "07-essential-docker-commands.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = next(item for item in items if item["key"] == "s7-list-all-containers")
    item["examples"]["reject"] = item["examples"]["reject"][:2]
    path.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True), encoding="utf-8")

    with pytest.raises(BankError) as raised:
        question_bank_load(module_id=docker_module, directory=bank_copy)

    assert raised.value.problems == [
        f"{path.name}: s7-list-all-containers: examples.reject: a bank docker_command item needs "
        f"at least {MIN_EXAMPLES_PER_KIND} rejected example answers, not 2"
    ]


def test_the_loader_refuses_an_example_that_disagrees_with_the_key(
    docker_module: int, bank_copy: Path
) -> None:
    path = bank_copy / "07-essential-docker-commands.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = next(item for item in items if item["key"] == "s7-list-all-containers")
    item["examples"]["accept"].append("docker ps")
    path.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True), encoding="utf-8")

    with pytest.raises(BankError) as raised:
        question_bank_load(module_id=docker_module, directory=bank_copy)

    (problem,) = raised.value.problems
    assert problem.startswith(f'{path.name}: s7-list-all-containers: examples.accept[5]: "docker')
    assert "earns 0%, but an accepted example must earn full credit" in problem


# --- supplementary objectives --------------------------------------------------------------


def test_the_bank_adds_the_docker_cli_objective_after_the_courses_own(
    docker_module: int,
) -> None:
    # when
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    # then the supplement follows the five objectives of the course text
    objectives = courses_api.objective_list_for_module(module_id=docker_module)
    assert [objective.position for objective in objectives] == [1, 2, 3, 4, 5, 6]
    cli = objectives[-1]
    assert cli.slug == "use-the-docker-cli"
    assert cli.text.startswith("Use the Docker CLI")
    prune = Question.objects.get(key="s7-system-prune-removes").current_version
    assert [o.slug for o in prune.objectives.all()] == ["use-the-docker-cli"]  # type: ignore[union-attr]


def test_a_course_reimport_keeps_the_supplement_and_its_questions(docker_module: int) -> None:
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    cli_id = LearningObjective.objects.get(slug="use-the-docker-cli").pk

    summary = module_import_file(path=DEMO_MODULE_FILE, course_slug=DEMO_COURSE_SLUG)
    reloaded = question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)

    cli = LearningObjective.objects.get(slug="use-the-docker-cli")
    assert not summary.changed
    assert (cli.pk, cli.position, cli.is_archived) == (cli_id, 6, False)
    assert reloaded.revised == []


def test_an_unknown_objective_slug_is_named(docker_module: int, bank_copy: Path) -> None:
    _rewrite(
        bank_copy / "07-essential-docker-commands.yaml",
        "s7-logs-tail",
        objectives=["use-the-docker-cli", "use-kubernetes", 9],
    )

    with pytest.raises(BankError) as raised:
        question_bank_load(module_id=docker_module, directory=bank_copy)

    assert raised.value.problems == [
        "07-essential-docker-commands.yaml: s7-logs-tail: unknown learning objectives "
        "['use-kubernetes', 9]"
    ]


def test_a_broken_objectives_file_writes_nothing(docker_module: int, bank_copy: Path) -> None:
    (bank_copy / "objectives.yaml").write_text(
        "- slug: use-the-docker-cli\n  text: CLI\n  taught_in: [no-such-section]\n",
        encoding="utf-8",
    )

    with pytest.raises(BankError, match=r"unknown section.*no-such-section"):
        question_bank_load(module_id=docker_module, directory=bank_copy)

    assert not LearningObjective.objects.filter(slug="use-the-docker-cli").exists()
    assert Question.objects.count() == 0
