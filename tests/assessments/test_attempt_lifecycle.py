"""The attempt lifecycle through its services: start, save, submit, deadlines, limits."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    Attempt,
    AttemptStatus,
    FeedbackPolicy,
    FinalisedBy,
    LearnerOverride,
    Provenance,
    QuestionStatus,
)
from assessments.question_types import option_id
from assessments.selectors.attempts import (
    ItemForSave,
    attempt_items_for_learner,
    attempt_question_get_for_learner,
    grades_visible,
)
from assessments.services.answers import attempt_answer_save
from assessments.services.attempts import (
    AttemptClosed,
    DeadlinePassed,
    InvalidResponse,
    NoAttemptsLeft,
    attempt_start,
    attempt_submit,
    attempts_finalise_expired,
)
from assessments.services.questions import QuestionContent, question_create, question_revise
from tests.factories import ModuleFactory, SectionFactory
from tests.question_examples import spec_of

POOL_SIZE = 8
DRAWN = 3
TIME_LIMIT = 600
# Long enough for a thread to start and send one query on a busy CI machine.
LOCK_WAIT_SECONDS = 10


def pool_spec(number: int) -> dict:
    """The single-choice example, made question `number` of the pool by its prompt."""
    spec = spec_of("single_choice")
    return spec | {"prompt": f"{spec['prompt']} (pool question {number})"}


@pytest.fixture
def section(db):
    return SectionFactory(module=ModuleFactory(), position=1)


@pytest.fixture
def pool(section):
    return [
        question_create(
            key=f"port-{number}",
            section_id=section.pk,
            content=QuestionContent(type="single_choice", spec=pool_spec(number)),
            provenance=Provenance.AUTHORED,
            status=QuestionStatus.READY,
        )
        for number in range(POOL_SIZE)
    ]


@pytest.fixture
def quiz(section, pool):
    assessment = Assessment.objects.create(
        slug="ports-quiz",
        title="Ports",
        kind=AssessmentKind.SECTION_QUIZ,
        module=section.module,
        section=section,
        time_limit_seconds=TIME_LIMIT,
        attempts_allowed=2,
        passing_percent=60,
    )
    AssessmentSlot.objects.create(
        assessment=assessment,
        position=1,
        pool_section=section,
        pool_type="single_choice",
        pool_points=1,
        draw_count=DRAWN,
    )
    return assessment


def right_answer(item) -> str:
    spec = item.question_version.spec
    return option_id(next(option["text"] for option in spec["options"] if option["correct"]))


def wrong_answer(item) -> str:
    spec = item.question_version.spec
    return option_id(next(option["text"] for option in spec["options"] if not option["correct"]))


def test_start_freezes_versions_seeds_and_option_orders(learner, quiz):
    # when
    attempt = attempt_start(learner=learner, assessment=quiz)

    # then
    items = list(attempt.questions.select_related("question_version"))
    assert len(items) == DRAWN
    assert attempt.deadline_at == attempt.started_at + timedelta(seconds=TIME_LIMIT)
    assert attempt.max_score == Decimal(DRAWN)
    assert all(sorted(item.option_order) == [0, 1, 2] for item in items)
    assert all(item.question_version.first_shown_at is not None for item in items)
    first = attempt_items_for_learner(attempt=attempt, now=timezone.now())
    again = attempt_items_for_learner(attempt=attempt, now=timezone.now())
    assert [item.view for item in first] == [item.view for item in again]


def test_starting_again_resumes_the_attempt_in_progress(learner, quiz):
    first = attempt_start(learner=learner, assessment=quiz)

    second = attempt_start(learner=learner, assessment=quiz)

    assert second.pk == first.pk
    assert Attempt.objects.count() == 1


def test_the_database_refuses_a_second_attempt_in_progress(learner, quiz):
    attempt_start(learner=learner, assessment=quiz)

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(assessment=quiz, learner=learner, number=2)


def test_an_idempotency_key_returns_the_same_attempt(learner, quiz):
    first = attempt_start(learner=learner, assessment=quiz, idempotency_key="lms-42")
    attempt_submit(attempt=first)

    repeated = attempt_start(learner=learner, assessment=quiz, idempotency_key="lms-42")

    assert repeated.pk == first.pk
    assert Attempt.objects.count() == 1


def test_a_second_attempt_avoids_the_questions_of_the_first(learner, quiz):
    first = attempt_start(learner=learner, assessment=quiz)
    attempt_submit(attempt=first)

    second = attempt_start(learner=learner, assessment=quiz)

    def questions(attempt):
        return set(attempt.questions.values_list("question_version__question_id", flat=True))

    assert questions(first).isdisjoint(questions(second))


def test_a_start_draws_on_ids_and_reads_only_the_drawn_specs(learner, section, pool, quiz):
    # given an assessment drawing twice from each of three pools, next to the one-pool quiz
    three_pools = Assessment.objects.create(
        slug="three-pools",
        title="Three pools",
        kind=AssessmentKind.SECTION_QUIZ,
        module=section.module,
        section=section,
    )
    for position in (1, 2, 3):
        AssessmentSlot.objects.create(
            assessment=three_pools,
            position=position,
            pool_section=section,
            pool_type="single_choice",
            pool_points=1,
            draw_count=2,
        )
    with CaptureQueriesContext(connection) as one_pool_start:
        attempt_start(learner=learner, assessment=quiz)

    # when the learner starts it
    with CaptureQueriesContext(connection) as start:
        attempt = attempt_start(learner=learner, assessment=three_pools)

    # then the pools cost no more queries than one, and one query reads the drawn specs
    reading_specs = [query["sql"] for query in start.captured_queries if '"spec"' in query["sql"]]
    assert len(start.captured_queries) == len(one_pool_start.captured_queries)
    assert len(reading_specs) == 1
    assert attempt.questions.count() == 6


def test_the_last_save_wins_and_each_save_is_acknowledged(learner, quiz):
    attempt = attempt_start(learner=learner, assessment=quiz)
    item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=1, learner=learner)

    first = attempt_answer_save(item=ItemForSave.of(item), response=wrong_answer(item))
    item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=1, learner=learner)
    second = attempt_answer_save(item=ItemForSave.of(item), response=right_answer(item))

    item.refresh_from_db()
    assert (first.save_count, second.save_count) == (1, 2)
    assert item.response == right_answer(item)
    assert item.fraction is None  # graded only on submission under this feedback policy


def test_it_refuses_an_answer_that_is_not_an_option(learner, quiz):
    attempt = attempt_start(learner=learner, assessment=quiz)
    item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=1, learner=learner)

    with pytest.raises(InvalidResponse, match="Unknown option id"):
        attempt_answer_save(item=ItemForSave.of(item), response="not-an-option")


def test_it_rejects_answers_after_the_time_limit_and_submits_the_attempt(learner, quiz):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        attempt = attempt_start(learner=learner, assessment=quiz)
        item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=1, learner=learner)
        attempt_answer_save(item=ItemForSave.of(item), response=right_answer(item))
        traveller.shift(timedelta(seconds=TIME_LIMIT + 1))
        item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=2, learner=learner)

        with pytest.raises(DeadlinePassed):
            attempt_answer_save(item=ItemForSave.of(item), response=right_answer(item))

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.finalised_by == FinalisedBy.DEADLINE
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.score == Decimal(1)
    assert attempt.questions.get(position=2).response is None


def test_submit_grades_every_question_and_is_idempotent(learner, quiz):
    attempt = attempt_start(learner=learner, assessment=quiz)
    for position in (1, 2):
        item = attempt_question_get_for_learner(
            attempt_id=attempt.pk, position=position, learner=learner
        )
        attempt_answer_save(item=ItemForSave.of(item), response=right_answer(item))

    submitted = attempt_submit(attempt=attempt)
    again = attempt_submit(attempt=attempt)

    assert submitted.score == Decimal(2)
    assert submitted.percent == Decimal("66.67")
    assert submitted.passed is True
    assert again.submitted_at == submitted.submitted_at
    item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=1, learner=learner)
    with pytest.raises(AttemptClosed):
        attempt_answer_save(item=ItemForSave.of(item), response=right_answer(item))


def test_it_counts_attempts_and_honours_an_extra_attempt(learner, quiz):
    for _ in range(2):
        attempt_submit(attempt=attempt_start(learner=learner, assessment=quiz))
    with pytest.raises(NoAttemptsLeft):
        attempt_start(learner=learner, assessment=quiz)

    LearnerOverride.objects.create(assessment=quiz, learner=learner, extra_attempts=1)

    assert attempt_start(learner=learner, assessment=quiz).number == 3


def test_extra_time_extends_the_deadline(learner, quiz):
    LearnerOverride.objects.create(assessment=quiz, learner=learner, extra_seconds=300)

    attempt = attempt_start(learner=learner, assessment=quiz)

    assert attempt.deadline_at - attempt.started_at == timedelta(seconds=TIME_LIMIT + 300)


def test_the_periodic_sweep_finalises_expired_attempts_only(learner, other_learner, quiz):
    late = attempt_start(learner=learner, assessment=quiz)
    attempt_start(learner=other_learner, assessment=quiz)
    Attempt.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(seconds=1))

    closed = attempts_finalise_expired()

    assert closed == 1
    assert set(Attempt.objects.values_list("status", flat=True)) == {"submitted", "in_progress"}


def test_an_edit_after_an_attempt_keeps_the_attempt_on_its_version(learner, quiz, pool):
    attempt = attempt_start(learner=learner, assessment=quiz)
    item = attempt.questions.select_related("question_version__question").first()
    question = item.question_version.question
    spec = {**item.question_version.spec, "prompt": "Which port, really?"}

    version = question_revise(
        question=question, content=QuestionContent(type="single_choice", spec=spec)
    )

    item.refresh_from_db()
    assert version.number == 2
    assert item.question_version.number == 1
    assert item.question_version.spec["prompt"] != "Which port, really?"


def test_grades_stay_hidden_until_the_assessment_closes_under_that_policy(learner, quiz):
    quiz.feedback_policy = FeedbackPolicy.AFTER_CLOSE
    quiz.closes_at = timezone.now() + timedelta(days=1)
    quiz.save()
    attempt = attempt_submit(attempt=attempt_start(learner=learner, assessment=quiz))

    items = attempt_items_for_learner(attempt=attempt, now=timezone.now())

    assert not grades_visible(attempt=attempt, now=timezone.now())
    assert all(item.fraction is None and item.feedback is None for item in items)
    assert grades_visible(attempt=attempt, now=quiz.closes_at + timedelta(seconds=1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_create_one_attempt(learner, quiz):
    barrier = threading.Barrier(4)
    started: list[int] = []
    failures: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            started.append(attempt_start(learner=learner, assessment=quiz).pk)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(set(started)) == 1
    assert Attempt.objects.filter(learner=learner).count() == 1


def _wait_for_a_query_blocked_on_a_lock() -> None:
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            (waiting,) = cursor.fetchone()
        if waiting:
            return
        time.sleep(0.02)
    pytest.fail(f"No query waited for a lock within {LOCK_WAIT_SECONDS} s")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_submit_waits_for_it_and_is_refused(learner, quiz):
    attempt = attempt_start(learner=learner, assessment=quiz)
    item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=1, learner=learner)
    outcome: list[object] = []

    def save() -> None:
        try:
            outcome.append(
                attempt_answer_save(item=ItemForSave.of(item), response=right_answer(item))
            )
        except AttemptClosed as error:
            outcome.append(error)
        finally:
            connection.close()

    # given a submit that has graded the attempt but not committed yet, and a save arriving
    with transaction.atomic():
        attempt_submit(attempt=attempt)
        saver = threading.Thread(target=save)
        saver.start()
        _wait_for_a_query_blocked_on_a_lock()
    # when the submit commits
    saver.join()

    # then the save is refused, and the graded attempt keeps the answer it was graded on
    assert len(outcome) == 1
    assert isinstance(outcome[0], AttemptClosed)
    assert attempt.questions.get(position=1).response is None
