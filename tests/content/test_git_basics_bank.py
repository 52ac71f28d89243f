"""Static checks of the Git Basics package (content/git-basics/): no database needed.

The bank files meet every check the Docker bank meets (`tests/assessments/bank_checks.py`:
fields, type-specific shapes, variants), the engine's own validators and bank policy, and every
worked example earns what it claims through its question type. The module text, the bank and the
catalogue name the same sections, and the catalogue's pools can fill every blueprint.
"""

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments.question_types import QUESTION_TYPES
from assessments.question_types.examples import EXPECTED_FRACTION_TOLERANCE, examples_of
from assessments.question_types.variants import apply_parameters, instantiate
from assessments.services.bank_policy import bank_policy_errors
from coursepackages.layout import DEMO_BANK_DIR as DOCKER_BANK
from courses.importer import module_parse
from tests.assessments.bank_checks import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    NON_SPEC_FIELDS,
    TYPE_CHECKS,
    TYPE_FIELDS,
    check_numeric_variant,
    variants,
)
from tests.content.git_basics import BANK, CATALOGUE, MODULE_FILE, full_credit_response

PARSED = module_parse(raw=MODULE_FILE.read_bytes())
SECTIONS = {section.position: (section.slug, section.title) for section in PARSED.sections}
OBJECTIVE_COUNT = len(PARSED.objectives)
# Issue 12, part 3: at least 3 sections, 30 ready questions, 5 question types.
MIN_SECTIONS = 3
MIN_QUESTIONS = 30
MIN_TYPES = 5
# Every question of the exam pool is kept for the exam: each exam slot's pool holds at least
# twice its draws, so a second attempt can avoid the first attempt's questions.
EXAM_POOL_FACTOR = 2
KEY_PATTERN = re.compile(r"^git-s(\d)-[a-z0-9][a-z0-9-]*$")


def _bank_files() -> list[Path]:
    return sorted(BANK.glob("*.yaml"))


def _questions() -> list[tuple[int, dict[str, Any]]]:
    found = []
    for path in _bank_files():
        number = int(path.name.split("-", 1)[0])
        found += [(number, item) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return found


QUESTIONS = _questions()
IDS = [question["key"] for _, question in QUESTIONS]


def _spec(question: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in question.items() if name not in NON_SPEC_FIELDS}


def test_the_module_has_the_sections_and_objectives_the_bank_names() -> None:
    assert len(SECTIONS) >= MIN_SECTIONS
    expected = {f"{number:02d}-{slug}.yaml" for number, (slug, _) in SECTIONS.items()}
    assert {path.name for path in _bank_files()} == expected
    assert set(CATALOGUE["section_quiz"]["blueprints"]) == {slug for slug, _ in SECTIONS.values()}
    assert all(objective.section_slugs for objective in PARSED.objectives)


def test_the_bank_is_big_and_varied_enough() -> None:
    types = Counter(question["type"] for _, question in QUESTIONS)
    assert len(QUESTIONS) >= MIN_QUESTIONS
    assert len(types) >= MIN_TYPES, types


def test_keys_are_unique_here_and_never_clash_with_the_docker_bank() -> None:
    docker_keys = {
        item["key"]
        for path in DOCKER_BANK.glob("0*.yaml")
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    }
    keys = Counter(IDS)
    assert [key for key, count in keys.items() if count > 1] == []
    assert set(keys) & docker_keys == set()


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=IDS)
def test_common_fields_and_the_cited_section(number: int, question: dict[str, Any]) -> None:
    required, optional = TYPE_FIELDS[question["type"]]
    allowed = set(COMMON_REQUIRED) | set(COMMON_OPTIONAL) | required | optional
    match = KEY_PATTERN.fullmatch(question["key"])
    slug, title = SECTIONS[number]

    assert sorted(set(question) - allowed) == []
    assert sorted(set(COMMON_REQUIRED) - set(question)) == []
    assert sorted(required - set(question)) == []
    assert match is not None
    assert int(match.group(1)) == number
    assert question["section"] == slug
    assert question["objectives"]
    assert all(1 <= objective <= OBJECTIVE_COUNT for objective in question["objectives"])
    assert f"Section {number}: {title}" in " ".join(question["feedback"].split())
    assert question["type"] not in {"docker_command", "dockerfile"}


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=IDS)
def test_every_variant_meets_the_docker_bank_shape_checks(
    number: int, question: dict[str, Any]
) -> None:
    for variant, values in variants(question):
        if question["type"] == "numeric":
            check_numeric_variant(variant, values)
        TYPE_CHECKS[question["type"]](variant)


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=IDS)
def test_the_engine_accepts_every_item_under_the_bank_policy(
    number: int, question: dict[str, Any]
) -> None:
    spec = _spec(question)

    assert list(QUESTION_TYPES[question["type"]].validate_spec(spec)) == []
    assert bank_policy_errors(question_type=question["type"], spec=spec) == []


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=IDS)
def test_every_example_earns_what_it_claims_in_every_variant(
    number: int, question: dict[str, Any]
) -> None:
    question_type = QUESTION_TYPES[question["type"]]
    for _, values in variants(question):
        variant = apply_parameters(_spec(question), values)
        for example in examples_of(variant):
            grade = question_type.grade(variant, example.answer)
            if example.kind == "accept":
                assert grade.fraction == 1, (values, example.where, grade.explanation)
            elif example.expected is not None:
                assert abs(grade.fraction - example.expected) <= EXPECTED_FRACTION_TOLERANCE
            else:
                assert grade.fraction < 1, (values, example.where, grade.explanation)


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=IDS)
def test_the_full_credit_answer_the_api_test_sends_earns_full_credit(
    number: int, question: dict[str, Any]
) -> None:
    spec = _spec(question)
    for seed in range(20):
        response = full_credit_response(question["type"], spec, seed)
        variant, _ = instantiate(spec, seed)
        assert QUESTION_TYPES[question["type"]].grade(variant, response).fraction == 1


def _pool(section: str, question_type: str, points: float, *, exam: bool) -> int:
    return sum(
        1
        for _, question in QUESTIONS
        if question["section"] == section
        and question["type"] == question_type
        and question["points"] == points
        and question.get("exam_only", False) == exam
    )


def test_every_quiz_and_practice_slot_has_questions_outside_the_exam_pool() -> None:
    slots = [
        (section, slot)
        for section, blueprint in CATALOGUE["section_quiz"]["blueprints"].items()
        for slot in blueprint
    ] + [(slot["section"], slot) for slot in CATALOGUE["practice"]["blueprint"]]
    for section, slot in slots:
        pool = _pool(section, slot["type"], slot["points"], exam=False)
        assert pool >= slot.get("count", 1), (section, slot)


def test_every_exam_slot_draws_from_an_exam_pool_twice_its_size() -> None:
    for slot in CATALOGUE["final_exam"]["blueprint"]:
        pool = _pool(slot["section"], slot["type"], slot["points"], exam=True)
        assert pool >= EXAM_POOL_FACTOR * slot.get("count", 1), slot
