"""Blueprints: every form of an assessment has the same maximum and the same mix, drawn by the
real draw from the real bank and catalogue; loading refuses a blueprint its pool cannot fill."""

import random
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from accounts.models import User
from assessments.models import Assessment, AssessmentKind, AssessmentSlot, Question
from assessments.services.attempts import PoolTooSmall, attempt_start, attempt_submit
from assessments.services.catalogue import CatalogueError, assessments_load
from assessments.services.draw import questions_draw
from assessments.services.questions import question_exam_pool_set, question_status_set
from coursepackages.layout import DEMO_ASSESSMENTS_FILE, DEMO_BANK_DIR
from tests.factories import UserFactory

CATALOGUE_FILE = DEMO_ASSESSMENTS_FILE
EXAM_SLUG = "docker-basics-final-exam"
PRACTICE_SLUG = "docker-basics-practice"
EXAM_FORMS = 1000
OTHER_FORMS = 100
STARTS_THROUGH_THE_SERVICE = 12
NUMBER_WORDS = {"Seven": 7, "Twenty-one": 21}

type Form = tuple[Decimal, Counter[tuple[int, str, Decimal]]]


def _form(assessment: Assessment, seed: int) -> tuple[Form, list[Question]]:
    drawn = questions_draw(assessment=assessment, previous=set(), rng=random.Random(seed))
    questions = list(
        Question.objects.filter(current_version__in=[q.version.pk for q in drawn]).select_related(
            "current_version"
        )
    )
    mix = Counter(
        (q.section_id, q.current_version.type, q.current_version.points)  # type: ignore[union-attr]
        for q in questions
    )
    maximum = sum((q.version.points for q in drawn), Decimal(0))
    return (maximum, mix), questions


def _forms(assessment: Assessment, count: int) -> set[tuple[Decimal, tuple]]:
    forms = set()
    for seed in range(count):
        (maximum, mix), questions = _form(assessment, seed)
        assert len({question.pk for question in questions}) == sum(mix.values())
        assert {question.exam_only for question in questions} == {assessment.draws_exam_pool}
        forms.add((maximum, tuple(sorted(mix.items()))))
    return forms


def test_a_thousand_forms_of_the_final_exam_have_one_maximum_and_one_mix(
    docker_catalogue: int,
) -> None:
    # given the final exam as the catalogue loads it
    exam = Assessment.objects.get(slug=EXAM_SLUG)

    # when the real draw makes 1,000 forms
    forms = _forms(exam, EXAM_FORMS)

    # then every form has the same maximum and the same (section, type, points) mix
    [(maximum, mix)] = forms
    assert maximum == Decimal(27)
    assert sum(count for _, count in mix) == 21
    assert {section for (section, _, _), _ in mix} == set(
        exam.module.sections.values_list("pk", flat=True)
    )


def test_every_quiz_and_the_practice_draw_one_maximum_and_one_mix(docker_catalogue: int) -> None:
    for assessment in Assessment.objects.exclude(kind=AssessmentKind.FINAL_EXAM):
        forms = _forms(assessment, OTHER_FORMS)

        assert len(forms) == 1, assessment.slug


def test_forms_started_through_the_service_differ_in_questions_not_in_maximum(
    docker_catalogue: int,
) -> None:
    exam = Assessment.objects.get(slug=EXAM_SLUG)
    learners = [UserFactory() for _ in range(STARTS_THROUGH_THE_SERVICE)]

    attempts = [attempt_start(learner=learner, assessment=exam) for learner in learners]

    assert {attempt.max_score for attempt in attempts} == {Decimal(27)}
    assert {attempt.questions.count() for attempt in attempts} == {21}
    drawn = {
        frozenset(attempt.questions.values_list("question_version__question_id", flat=True))
        for attempt in attempts
    }
    assert len(drawn) > 1


def test_a_second_exam_attempt_meets_none_of_the_first_attempts_questions(
    docker_catalogue: int, learner: User
) -> None:
    # Every exam slot's pool holds twice its draws, except the single parameterised command.
    exam = Assessment.objects.get(slug=EXAM_SLUG)
    first = attempt_start(learner=learner, assessment=exam)
    attempt_submit(attempt=first)

    second = attempt_start(learner=learner, assessment=exam)

    def keys(attempt):
        return set(attempt.questions.values_list("question_version__question__key", flat=True))

    assert keys(first) & keys(second) == {"s7-run-nginx-published"}


def test_the_descriptions_state_how_many_questions_are_drawn(docker_catalogue: int) -> None:
    for slug in (EXAM_SLUG, PRACTICE_SLUG):
        assessment = Assessment.objects.get(slug=slug)
        word = re.match(r"([\w-]+) questions", assessment.description)
        assert word is not None, assessment.description
        drawn = sum(slot.draw_count for slot in assessment.slots.all())
        assert NUMBER_WORDS[word.group(1)] == drawn
    practice = Assessment.objects.get(slug=PRACTICE_SLUG)
    assert "one from each section" in practice.description
    assert practice.slots.count() == practice.module.sections.count()


def _edited_catalogue(tmp_path: Path, change) -> Path:
    catalogue = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    change(catalogue)
    edited = tmp_path / CATALOGUE_FILE.name
    edited.write_text(yaml.safe_dump(catalogue, sort_keys=False), encoding="utf-8")
    return edited


def test_loading_refuses_a_blueprint_the_pool_cannot_fill_and_writes_nothing(
    docker_module: int, tmp_path: Path
) -> None:
    from assessments.services.bank import question_bank_load

    # given the bank, and a catalogue whose exam asks for more items of a kind than its pool has
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)

    def greedy(catalogue):
        catalogue["final_exam"]["blueprint"].append(
            {"section": "docker-architecture", "type": "single_choice", "points": 1, "count": 2}
        )

    # when it is loaded
    with pytest.raises(CatalogueError) as refused:
        assessments_load(module_id=docker_module, path=_edited_catalogue(tmp_path, greedy))

    # then the message names the assessment, the slot and the shortfall, and nothing is written
    # (both slots drawing from that pool fall short)
    first, added = refused.value.problems
    assert first.startswith(f"{EXAM_SLUG}: slot 4 (single_choice, 1 points, section ")
    assert "shares its pool with slots drawing 2" in first
    assert added.startswith(f"{EXAM_SLUG}: slot 21 (single_choice, 1 points, section ")
    assert "shares its pool with slots drawing 1" in added
    assert "the pool holds 2 ready question(s) of the exam pool" in added
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        ({"type": "essay", "points": 1}, "unknown question type 'essay'"),
        ({"type": "true_false", "points": 0}, "points must be a positive number"),
        ({"type": "true_false", "points": 1, "count": 0}, "count must be a whole number"),
        ({"type": "true_false", "points": 1, "weight": 2}, "unknown field 'weight'"),
    ],
)
def test_loading_names_a_malformed_slot(
    docker_module: int, tmp_path: Path, slot: dict, message: str
) -> None:
    def broken(catalogue):
        catalogue["section_quiz"]["blueprints"]["docker-architecture"].append(slot)

    with pytest.raises(CatalogueError) as refused:
        assessments_load(module_id=docker_module, path=_edited_catalogue(tmp_path, broken))

    assert any(
        problem.startswith("quiz-docker-architecture slot 7: ") and message in problem
        for problem in refused.value.problems
    ), refused.value.problems


def test_loading_refuses_a_section_without_a_quiz_blueprint(
    docker_catalogue: int, tmp_path: Path
) -> None:
    def forgetful(catalogue):
        del catalogue["section_quiz"]["blueprints"]["docker-networking-basics"]

    with pytest.raises(CatalogueError, match="quiz-docker-networking-basics: the blueprint"):
        assessments_load(module_id=docker_catalogue, path=_edited_catalogue(tmp_path, forgetful))


def test_a_pool_emptied_after_loading_refuses_the_start_with_its_reason(
    docker_catalogue: int, learner: User
) -> None:
    # given the exam's only parameterised docker_command (2 points) retired after loading
    exam = Assessment.objects.get(slug=EXAM_SLUG)
    question_status_set(
        question=Question.objects.get(key="s7-run-nginx-published"), status="retired"
    )

    with pytest.raises(PoolTooSmall, match="Slot 20 draws 1 questions but its pool holds 0"):
        attempt_start(learner=learner, assessment=exam)


def test_a_fixed_exam_only_question_is_refused_outside_the_exam(
    docker_catalogue: int, learner: User
) -> None:
    # given a quiz with a fixed slot holding an exam-only question
    quiz = Assessment.objects.get(slug="quiz-docker-architecture")
    exam_question = Question.objects.filter(exam_only=True).first()
    assert exam_question is not None
    AssessmentSlot.objects.create(assessment=quiz, position=99, question=exam_question)

    with pytest.raises(PoolTooSmall, match="fixed question of slot 99 cannot be shown here"):
        attempt_start(learner=learner, assessment=quiz)


def test_the_exam_pool_holds_the_marked_bank_items_only(docker_catalogue: int) -> None:
    exam_pool = Question.objects.filter(exam_only=True)

    assert exam_pool.count() == 41
    assert set(Counter(exam_pool.values_list("section_id", flat=True)).values()) == {5, 6}


def test_moving_a_question_out_of_the_exam_pool_takes_it_out_of_the_exams_draw(
    docker_catalogue: int,
) -> None:
    exam = Assessment.objects.get(slug=EXAM_SLUG)
    moved = Question.objects.get(key="s7-tag-for-ecr")

    question_exam_pool_set(question=moved, exam_only=False)

    drawn = {
        question.pk for seed in range(50) for question in _form(exam, seed)[1]
    }  # every slot still fills, and never with the moved question
    assert moved.pk not in drawn
