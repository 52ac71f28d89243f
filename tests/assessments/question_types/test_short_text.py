"""short_text: exact texts and whole-answer regexes, best fraction wins."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError
from tests.question_examples import spec_of

SHORT_TEXT = QUESTION_TYPES["short_text"]
CD_FEEDBACK = "cd lasts one RUN."


def short_text() -> dict[str, Any]:
    """WORKDIR earns 1 and VOLUME 0, whatever the case."""
    return spec_of("short_text")


def with_regex() -> dict[str, Any]:
    """The example with a whole-answer regex worth 0.25 between its two answers."""
    spec = short_text()
    regex = {"regex": r"RUN\s+cd\s+\S+", "fraction": 0.25, "feedback": CD_FEEDBACK}
    spec["answers"].insert(1, regex)
    return spec


@pytest.mark.parametrize("raw", ["WORKDIR", "workdir", "  WorkDir  "])
def test_it_accepts_the_answer_whatever_the_case_and_spaces(raw: str) -> None:
    spec = short_text()

    grade = SHORT_TEXT.grade(spec, raw)

    assert grade.fraction == 1
    assert grade.correct
    assert grade.parts[0].feedback == spec["answers"][0]["feedback"]


def test_case_sensitive_answers_must_match_exactly() -> None:
    spec = short_text() | {"case_sensitive": True}

    assert SHORT_TEXT.grade(spec, "workdir").fraction == 0
    assert SHORT_TEXT.grade(spec, "WORKDIR").fraction == 1


def test_a_regex_answer_gives_its_partial_fraction() -> None:
    grade = SHORT_TEXT.grade(with_regex(), "run   cd /app")

    assert grade.fraction == 0.25
    assert not grade.correct
    assert grade.parts[0].feedback == CD_FEEDBACK
    assert grade.explanation == "Partly correct (25%)."


def test_a_regex_must_match_the_whole_answer() -> None:
    assert SHORT_TEXT.grade(with_regex(), "RUN cd /app && make").fraction == 0


def test_inner_spaces_are_collapsed_before_comparing() -> None:
    spec = short_text()
    spec["answers"][0]["text"] = "docker  compose"

    assert SHORT_TEXT.grade(spec, "docker\t compose").fraction == 1


def test_the_best_matching_answer_wins() -> None:
    spec = short_text()
    spec["answers"].insert(0, {"regex": "work.*", "fraction": 0.5})

    assert SHORT_TEXT.grade(spec, "workdir").fraction == 1


def test_an_unmatched_answer_scores_zero() -> None:
    grade = SHORT_TEXT.grade(short_text(), "ENTRYPOINT")

    assert grade.fraction == 0
    assert grade.explanation == "Incorrect."


def test_a_fraction_zero_answer_shows_its_feedback() -> None:
    spec = short_text()

    grade = SHORT_TEXT.grade(spec, "volume")

    assert grade.fraction == 0
    assert grade.parts[0].feedback == spec["answers"][1]["feedback"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [("", "Type an answer"), ("  \n ", "Type an answer"), (7, "text"), ("x" * 501, "longer")],
)
def test_it_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        SHORT_TEXT.normalise_response(short_text(), raw)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"regex": "(unclosed"}, "answers[0].regex: does not compile"),
        ({"text": "a", "regex": "a"}, "answers[0]: needs exactly one of text or regex"),
        ({"fraction": 1}, "answers[0]: needs exactly one of text or regex"),
        ({"text": "a", "fraction": 1.5}, "answers[0].fraction: must be at most 1"),
        ({"text": "a", "fraction": -0.1}, "answers[0].fraction: must be at least 0"),
        ({"text": "a", "fraction": "1"}, "answers[0].fraction: must be a number"),
    ],
)
def test_answer_spec_errors(answer: dict[str, object], error: str) -> None:
    spec = short_text()
    spec["answers"][0] = answer

    assert any(found.startswith(error) for found in SHORT_TEXT.validate_spec(spec)), error


def test_some_answer_must_give_full_credit() -> None:
    spec = short_text()
    spec["answers"][0]["fraction"] = 0.9

    assert SHORT_TEXT.validate_spec(spec) == ["answers: at least one answer needs fraction 1"]


@pytest.mark.parametrize(
    "raw",
    [
        "`WORKDIR`",
        '"WORKDIR"',
        "'WORKDIR'",
        "WORKDIR.",
        "WORKDIR;",
        "WORKDIR,",
        "`WORKDIR`.",
        '"`workdir`";',
        "```WORKDIR```",
        " ` WORKDIR ` ",
    ],
)
def test_wrapping_quotes_backticks_and_trailing_punctuation_are_ignored(raw: str) -> None:
    grade = SHORT_TEXT.grade(short_text(), raw)

    assert grade.fraction == 1


@pytest.mark.parametrize("raw", ["`WORKDIR'", "WORK.DIR", "WORKDIR!", "(WORKDIR)"])
def test_unpaired_marks_and_other_punctuation_still_count(raw: str) -> None:
    assert SHORT_TEXT.grade(short_text(), raw).fraction == 0


def test_stripping_keeps_case_sensitivity_per_question() -> None:
    spec = short_text() | {"case_sensitive": True}

    assert SHORT_TEXT.grade(spec, "`WORKDIR`.").fraction == 1
    assert SHORT_TEXT.grade(spec, "`workdir`.").fraction == 0


def test_regex_answers_see_the_stripped_response() -> None:
    assert SHORT_TEXT.grade(with_regex(), "`RUN cd /app`.").fraction == 0.25


@pytest.mark.parametrize("raw", ["``", '""', " . ", "`.`"])
def test_a_response_of_only_wrapping_is_malformed(raw: str) -> None:
    with pytest.raises(ResponseError, match="Type an answer"):
        SHORT_TEXT.normalise_response(short_text(), raw)


def test_normalising_twice_changes_nothing() -> None:
    once = SHORT_TEXT.normalise_response(short_text(), ' "`WORKDIR`". ')

    assert once == "WORKDIR"
    assert SHORT_TEXT.normalise_response(short_text(), once) == once
