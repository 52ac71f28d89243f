"""Statistics from the database: the same numbers as the library on the same matrix, Moodle's
choice of attempts, and a cache that the production grading path invalidates."""

import pytest

from assessments.models import Assessment, Attempt
from assessments.selectors.statistics import (
    assessment_statistics_compute,
    assessment_statistics_get,
)
from assessments.statistics import (
    AttemptSelection,
    ResponseMatrix,
    report_as_json,
    statistics_compute,
)
from assessments.statistics.flags import ItemFlag

from .conftest import ADD, COPY, RUN, Taker, learners


def _items(report: dict) -> dict[str, dict]:
    return {item["item"]: item for item in report["items"]}


def test_the_database_report_is_the_librarys_report_of_the_same_marks(
    quiz: Assessment, four_attempts: list[Attempt]
) -> None:
    # given the marks the four graded attempts hold, as a plain matrix
    matrix = ResponseMatrix()
    marks = {"a1": (1, 1, 1), "a2": (1, 1, 0), "a3": (0, 1, 0), "a4": (0, 0, 1)}
    for attempt, row in marks.items():
        for name, mark in zip(("copy v1", "kernel v1", "pin v1"), row, strict=True):
            matrix.add(attempt=attempt, item=name, mark=mark, max_mark=1)
    expected = report_as_json(statistics_compute(matrix=matrix))

    # when the report is computed from the database
    shown = report_as_json(
        assessment_statistics_compute(assessment=quiz, selection=AttemptSelection.ALL).report
    )

    # then every test statistic and every item statistic agrees
    assert shown["test"] == pytest.approx(expected["test"])
    for name, item in _items(expected).items():
        got = _items(shown)[name]
        for field in ("attempts", "facility", "sd", "intended_weight", "effective_weight"):
            assert got[field] == pytest.approx(item[field])
        assert got["discrimination_index"] == pytest.approx(item["discrimination_index"])
        assert got["discriminative_efficiency"] == pytest.approx(item["discriminative_efficiency"])


def test_choice_items_get_their_options_and_guess_scores_from_the_bank(
    quiz: Assessment, four_attempts: list[Attempt]
) -> None:
    statistics = assessment_statistics_compute(assessment=quiz, selection=AttemptSelection.ALL)
    items = _items(report_as_json(statistics.report))
    copy = items["copy v1"]
    assert copy["random_guess_score"] == pytest.approx(100 / 3)
    assert items["kernel v1"]["random_guess_score"] == 50
    options = {option["option"]: option for option in copy["options"]}
    assert [options[o]["count"] for o in (COPY, ADD, RUN)] == [2, 2, 0]
    # Nobody chose "RUN cp": a non-functional distractor. "ADD --from" drew the weaker half.
    assert options[RUN]["non_functional"] is True
    assert options[ADD]["discrimination"] < 0
    assert options[ADD]["non_functional"] is False
    assert ItemFlag.NON_FUNCTIONAL_DISTRACTORS in copy["flags"]
    assert statistics.items["copy v1"].question_key == "copy"
    assert {o["option"] for o in items["kernel v1"]["options"]} == {"true", "false"}


def test_the_grading_method_chooses_the_attempts_by_default(quiz: Assessment, take: Taker) -> None:
    # given one learner who scored 1 then 3 (out of 3)
    learner = learners(1)[0]
    take(quiz, learner, copy=ADD, kernel="true", pin=None)
    take(quiz, learner, copy=COPY, kernel="false", pin=None)
    quiz.grading_method = "last"
    quiz.save(update_fields=["grading_method"])

    # then "last" (the default here) counts the second only, "first" the first, "all" both
    last = assessment_statistics_compute(assessment=quiz, selection=AttemptSelection.LAST)
    first = assessment_statistics_compute(assessment=quiz, selection=AttemptSelection.FIRST)
    every = assessment_statistics_compute(assessment=quiz, selection=AttemptSelection.ALL)
    assert assessment_statistics_get(assessment=quiz).selection == AttemptSelection.LAST
    assert (last.report.test.attempts, last.report.test.mean) == (1, pytest.approx(200 / 3))
    assert (first.report.test.attempts, first.report.test.mean) == (1, 0)
    assert every.report.test.attempts == 2


def test_a_newly_graded_attempt_invalidates_the_cached_report(
    quiz: Assessment,
    four_attempts: list[Attempt],
    take: Taker,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
) -> None:
    # given a report computed once and served from the cache afterwards
    first = assessment_statistics_get(assessment=quiz, selection=AttemptSelection.ALL)
    with django_assert_num_queries(0):
        again = assessment_statistics_get(assessment=quiz, selection=AttemptSelection.ALL)
    assert again.computed_at == first.computed_at

    # when another attempt is graded through attempt_submit (its event fires after commit)
    with django_capture_on_commit_callbacks(execute=True):
        take(quiz, learners(1)[0], copy=COPY, kernel="false", pin=None)

    # then the next read recomputes it, with the new attempt
    fresh = assessment_statistics_get(assessment=quiz, selection=AttemptSelection.ALL)
    assert (first.report.test.attempts, fresh.report.test.attempts) == (4, 5)


def test_a_revision_is_a_new_item_with_fresh_statistics(
    quiz: Assessment, four_attempts: list[Attempt], take: Taker
) -> None:
    from assessments.services.questions import QuestionContent, question_revise

    from .conftest import TRUE_FALSE_SPEC

    kernel = quiz.slots.get(position=2).question
    question_revise(
        question=kernel,
        content=QuestionContent(type="true_false", spec=TRUE_FALSE_SPEC, difficulty=0.3),
    )
    take(quiz, learners(1)[0], copy=COPY, kernel="false", pin=None)
    items = _items(
        report_as_json(
            assessment_statistics_compute(assessment=quiz, selection=AttemptSelection.ALL).report
        )
    )
    assert items["kernel v1"]["attempts"] == 4
    assert items["kernel v2"]["attempts"] == 1
