"""Drawing plans: a process reuses an assessment's slots and pools between starts
(assessments.services.draw, DRAW_PLAN_SECONDS), yet never draws a question the bank has since
retired, replaced or moved, and a new blueprint applies at the next start."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from assessments.models import Assessment, AssessmentKind, AssessmentSlot, Question, QuestionStatus
from assessments.services import draw
from assessments.services.attempts import PoolTooSmall, attempt_start
from assessments.services.catalogue import assessments_load
from assessments.services.questions import (
    QuestionContent,
    question_exam_pool_set,
    question_revise,
    question_status_set,
)
from coursepackages.layout import DEMO_ASSESSMENTS_FILE
from courses.models import Section
from tests.factories import UserFactory
from tests.question_examples import spec_of

EXAM_SLUG = "docker-basics-final-exam"


def _quiz(section: Section, *, draw_count: int) -> Assessment:
    quiz = Assessment.objects.create(
        slug=f"plan-quiz-{section.pk}",
        title="Plan quiz",
        kind=AssessmentKind.SECTION_QUIZ,
        module=section.module,
        section=section,
    )
    AssessmentSlot.objects.create(
        assessment=quiz,
        position=1,
        pool_section=section,
        pool_type="single_choice",
        pool_points=1,
        draw_count=draw_count,
    )
    return quiz


def _drawn(quiz: Assessment) -> set[int]:
    """The questions a new learner's attempt draws."""
    attempt = attempt_start(learner=UserFactory(), assessment=quiz)
    return set(attempt.questions.values_list("question_version__question_id", flat=True))


@pytest.fixture
def pool(make_question) -> list[Question]:
    first = make_question()
    section_id = first.section_id
    return [first, make_question(section_id=section_id)]


def test_a_second_start_reads_no_slots_or_pools(pool: list[Question]) -> None:
    # given a quiz started once in this process
    quiz = _quiz(pool[0].section, draw_count=2)
    _drawn(quiz)
    learner = UserFactory()

    # when another learner starts it
    with CaptureQueriesContext(connection) as start:
        attempt_start(learner=learner, assessment=quiz)

    # then neither the slots nor the pool is read again
    sql = [query["sql"] for query in start.captured_queries]
    assert not [text for text in sql if '"assessments_assessmentslot"' in text]
    assert not [text for text in sql if 'FROM "assessments_question"' in text]


def test_a_question_retired_since_the_plan_was_read_is_never_drawn(
    make_question, pool: list[Question]
) -> None:
    # given a quiz drawing both questions of its pool, started once (its plan is read)
    quiz = _quiz(pool[0].section, draw_count=2)
    assert _drawn(quiz) == {question.pk for question in pool}

    # when one is retired and another made ready, and the next learner starts at once
    question_status_set(question=pool[0], status=QuestionStatus.RETIRED)
    added = make_question(section_id=pool[0].section_id)

    # then the draw holds the ready questions only
    assert _drawn(quiz) == {pool[1].pk, added.pk}


def test_a_question_moved_to_the_exam_pool_is_not_drawn_by_a_quiz(
    make_question, pool: list[Question]
) -> None:
    # given a quiz drawing two of three questions
    pool.append(make_question(section_id=pool[0].section_id))
    quiz = _quiz(pool[0].section, draw_count=2)
    _drawn(quiz)

    # when one moves to the exam pool
    question_exam_pool_set(question=pool[0], exam_only=True)

    # then no later start of the quiz shows it
    for _ in range(6):
        assert _drawn(quiz) == {pool[1].pk, pool[2].pk}


def test_a_new_version_is_drawn_at_once(pool: list[Question], instructor: User) -> None:
    # given a quiz started once
    quiz = _quiz(pool[0].section, draw_count=2)
    _drawn(quiz)

    # when a question gets a new version
    spec = spec_of("single_choice") | {"prompt": "Which one is new?"}
    version = question_revise(
        question=pool[0],
        content=QuestionContent(type="single_choice", spec=spec),
        author=instructor,
    )
    assert version is not None

    # then the next start shows that version
    attempt = attempt_start(learner=UserFactory(), assessment=quiz)
    shown = set(attempt.questions.values_list("question_version_id", flat=True))
    assert version.pk in shown


def test_a_question_made_ready_since_is_drawn_once_the_plan_expires(
    make_question, pool: list[Question], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a quiz drawing two of its two questions, started once; a third becomes ready
    quiz = _quiz(pool[0].section, draw_count=2)
    _drawn(quiz)
    added = make_question(section_id=pool[0].section_id)
    assert _drawn(quiz) == {question.pk for question in pool}  # the plan is still young

    # when the plan is older than DRAW_PLAN_SECONDS
    read_at = draw.time.monotonic()
    monkeypatch.setattr(draw.time, "monotonic", lambda: read_at + draw.DRAW_PLAN_SECONDS + 1)

    # then draws come from the whole pool again: the third question is drawn
    drawn = set().union(*(_drawn(quiz) for _ in range(12)))
    assert added.pk in drawn


def test_a_new_blueprint_applies_at_the_next_start(docker_catalogue: int, tmp_path: Path) -> None:
    # given the final exam, started once in this process
    exam = Assessment.objects.get(slug=EXAM_SLUG)
    before = attempt_start(learner=UserFactory(), assessment=exam).questions.count()

    # when the catalogue is loaded with a blueprint of one question fewer
    catalogue = DEMO_ASSESSMENTS_FILE.read_text(encoding="utf-8")
    edited = tmp_path / DEMO_ASSESSMENTS_FILE.name
    edited.write_text(_one_fewer_exam_question(catalogue), encoding="utf-8")
    assessments_load(module_id=docker_catalogue, path=edited)

    # then the next start draws by the new blueprint
    exam = Assessment.objects.get(slug=EXAM_SLUG)
    assert attempt_start(learner=UserFactory(), assessment=exam).questions.count() == before - 1


def _one_fewer_exam_question(catalogue: str) -> str:
    """The catalogue with the final exam's two-question slot drawing one."""
    head, exam = catalogue.split(f"slug: {EXAM_SLUG}", 1)
    exam, tail = exam.split("\npractice:", 1)
    assert exam.count("count: 2}") == 1
    return (
        head + f"slug: {EXAM_SLUG}" + exam.replace("count: 2}", "count: 1}") + "\npractice:" + tail
    )


def _reads_slots(quiz: Assessment) -> bool:
    with CaptureQueriesContext(connection) as start:
        attempt_start(learner=UserFactory(), assessment=quiz)
    return any('"assessments_assessmentslot"' in query["sql"] for query in start.captured_queries)


def test_a_process_keeps_the_plans_of_draw_plan_entries_assessments(
    make_question, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given room for two plans, and three quizzes started in turn
    monkeypatch.setattr(draw, "DRAW_PLAN_ENTRIES", 2)
    quizzes = []
    for _ in range(3):
        question = make_question()
        make_question(section_id=question.section_id)
        quizzes.append(_quiz(question.section, draw_count=2))
    for quiz in quizzes:
        assert _reads_slots(quiz)

    # then the least recently used plan was dropped, the last two are kept
    assert [_reads_slots(quiz) for quiz in reversed(quizzes)] == [False, False, True]


def test_a_draw_that_keeps_failing_its_check_gives_up_after_draw_tries(
    pool: list[Question], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a quiz whose every draw fails its check (the bank changing under each one)
    quiz = _quiz(pool[0].section, draw_count=2)
    monkeypatch.setattr(draw, "_still_drawable", lambda *args: False)

    # when a learner starts it
    with CaptureQueriesContext(connection) as start, pytest.raises(PoolTooSmall, match="changed"):
        attempt_start(learner=UserFactory(), assessment=quiz)

    # then it drew DRAW_TRIES times, each from a plan read for it
    sql = [query["sql"] for query in start.captured_queries]
    assert len([text for text in sql if '"spec"' in text]) == draw.DRAW_TRIES
    assert len([text for text in sql if '"assessments_assessmentslot"' in text]) == draw.DRAW_TRIES
