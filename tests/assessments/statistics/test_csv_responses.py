"""Reading a response matrix from CSV: every problem is an error naming the file and line."""

import pytest

from assessments.statistics.csv_responses import (
    MAX_FIELD_CHARACTERS,
    CsvResponsesError,
    responses_read_text,
)

HEADER = "attempt,item,mark,max_mark\n"


def test_it_reads_the_columns_in_any_order_and_case_with_a_byte_order_mark() -> None:
    read = responses_read_text(
        "\ufeffItem, MAX_MARK ,Attempt,mark,response,learner,notes\n"
        "q1,2,a1,1.5,B,ada,x\nq2,1,a1,0,,ada,\n\nq1,2,a2,2,A,ada,\n",
        source="r.csv",
    )
    assert read.matrix.items == ["q1", "q2"]
    assert read.matrix.attempts == ["a1", "a2"]
    assert read.matrix.item_max == [2.0, 1.0]
    assert read.matrix.row_response == ["B", None, "A"]
    assert [read.attempts[a].number for a in ("a1", "a2")] == [1, 2]
    assert read.ignored_columns == ["notes"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "r.csv:1: the file is empty"),
        ("attempt,item,mark\n", "r.csv:1: missing column(s) max_mark"),
        ("attempt,item,mark,max_mark,mark\n", "r.csv:1: column(s) named twice: mark"),
        (HEADER, "r.csv: no responses after the header"),
        (HEADER + "a,q,x,1\n", "r.csv:2: mark 'x' is not a number"),
        (HEADER + "a,q,nan,1\n", "r.csv:2: mark 'nan' is not a finite number"),
        (HEADER + "a,q,1,inf\n", "r.csv:2: max_mark 'inf' is not a finite number"),
        (HEADER + "a,q,2,1\n", "r.csv:2: mark 2 is outside -max_mark..max_mark (1)"),
        (HEADER + "a,q,0,-1\n", "r.csv:2: max_mark -1 is negative"),
        (HEADER + "a,q,1\n", "r.csv:2: 3 fields, fewer than the header's columns"),
        (HEADER + ",q,1,1\n", "r.csv:2: attempt and item must not be empty"),
        (HEADER + "a,q,1,1\na,q,0,1\n", "r.csv:3: attempt 'a' has item 'q' twice"),
        (HEADER + "a,q,1,1\nb,q,1,2\n", "r.csv:3: item 'q' has max_mark 2 here but 1 before"),
        (
            "attempt,item,mark,max_mark,slot\na,q,1,1,s\na,r,1,1,s\n",
            "r.csv:3: attempt 'a' has two items in slot 's'",
        ),
        (
            "attempt,item,mark,max_mark,learner\na,q,1,1,ada\na,r,1,1,bob\n",
            "r.csv:3: attempt 'a' belongs to 'ada' on earlier lines",
        ),
        (
            "attempt,item,mark,max_mark,learner\na,q,1,1,\n",
            "r.csv:2: learner is empty",
        ),
        (HEADER + 'a,"q,1,1\n', "r.csv"),
    ],
)
def test_bad_input_is_an_error_naming_file_and_line(text: str, message: str) -> None:
    with pytest.raises(CsvResponsesError) as raised:
        responses_read_text(text, source="r.csv")
    assert str(raised.value).startswith(message)


def test_an_overlong_field_is_refused() -> None:
    with pytest.raises(CsvResponsesError, match=r"r\.csv:2: item is longer than 1000"):
        responses_read_text(HEADER + f"a,{'q' * (MAX_FIELD_CHARACTERS + 1)},1,1\n", source="r.csv")


def test_the_number_of_rows_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assessments.statistics.csv_responses.MAX_ROWS", 2)
    responses_read_text(HEADER + "a,q,1,1\nb,q,1,1\n", source="r.csv")
    with pytest.raises(CsvResponsesError, match=r"r\.csv:4: more than 2 responses"):
        responses_read_text(HEADER + "a,q,1,1\nb,q,1,1\nc,q,1,1\n", source="r.csv")
