"""manage.py assessment_statistics: JSON and CSV from a CSV file, stdin or the database."""

import io
import json
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment, Attempt

CSV = """attempt,item,mark,max_mark,response
a1,q1,1,1,A
a1,q2,0,1,
a2,q1,0,1,B
a2,q2,1,1,
a3,q1,1,1,A
a3,q2,1,1,
"""


def _run(
    *args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None
) -> str:
    out = io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("assessment_statistics", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _strict_json(text: str) -> dict:
    def refuse(constant: str) -> float:
        raise AssertionError(f"JSON holds {constant}")

    return json.loads(text, parse_constant=refuse)


def test_it_prints_the_test_and_items_as_json(tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(CSV)

    shown = _strict_json(_run("--responses", str(path), "--format", "json"))

    test_keys = {"attempts", "mean", "median", "sd", "skewness", "kurtosis", "cic"}
    assert test_keys | {"error_ratio", "standard_error"} <= set(shown["test"])
    assert shown["test"]["attempts"] == 3
    assert shown["test"]["cic"] == pytest.approx(-200)
    q1, q2 = shown["items"]
    item_keys = {"item", "facility", "sd", "random_guess_score", "intended_weight"}
    item_keys |= {"effective_weight", "discrimination_index", "discriminative_efficiency"}
    assert item_keys | {"flags"} <= set(q1)
    assert q1["item"] == "q1"
    assert q1["facility"] == pytest.approx(200 / 3)
    assert q1["discrimination_index"] == pytest.approx(-50)
    assert [option["option"] for option in q1["options"]] == ["A", "B"]
    assert "options" not in q2


def test_undefined_statistics_are_null_never_nan(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("attempt,item,mark,max_mark\nonly,q1,1,1\nonly,q2,0,1\n")

    shown = _strict_json(_run("--responses", str(path)))

    assert shown["test"]["sd"] is None
    assert shown["items"][0]["discrimination_index"] is None
    numbers = [v for v in shown["test"].values() if isinstance(v, float)]
    assert all(math.isfinite(v) for v in numbers)


def test_it_reads_stdin_and_writes_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _run("--responses", "-", "--format", "csv", stdin=CSV, monkeypatch=monkeypatch)

    lines = text.splitlines()
    assert lines[0] == (
        "item,attempts,facility,sd,random_guess_score,intended_weight,effective_weight,"
        "discrimination_index,discriminative_efficiency,flags"
    )
    assert lines[1].startswith("q1,3,66.66666666666")
    assert lines[1].endswith(
        "low_discriminative_efficiency;negative_discrimination;high_random_guess_score;"
        "non_functional_distractors"
    )


def test_bad_csv_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("attempt,item,mark,max_mark\na,q,1,1\na,q,oops,1\n")

    with pytest.raises(CommandError, match=r"bad\.csv:3: mark 'oops' is not a number"):
        _run("--responses", str(path))


def test_a_missing_or_binary_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        _run("--responses", str(tmp_path / "absent.csv"))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00attempt")
    with pytest.raises(CommandError, match="not UTF-8"):
        _run("--responses", str(binary))


def test_first_last_and_best_need_a_learner_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV)
    with pytest.raises(CommandError, match="needs a learner column"):
        _run("--responses", str(path), "--attempts", "best")

    with_learners = tmp_path / "learners.csv"
    with_learners.write_text(
        "attempt,item,mark,max_mark,learner\nx1,q,0,1,ada\nx2,q,1,1,ada\ny1,q,1,1,bob\n"
    )
    best = _strict_json(_run("--responses", str(with_learners), "--attempts", "best"))
    first = _strict_json(_run("--responses", str(with_learners), "--attempts", "first"))
    assert (best["test"]["attempts"], best["items"][0]["facility"]) == (2, 100)
    assert (first["test"]["attempts"], first["items"][0]["facility"]) == (2, 50)


def test_it_computes_an_assessment_from_the_database(
    quiz: Assessment, four_attempts: list[Attempt]
) -> None:
    shown = _strict_json(_run("--assessment", quiz.slug, "--attempts", "all"))

    assert shown["test"]["attempts"] == 4
    assert [item["item"] for item in shown["items"]] == ["copy v1", "kernel v1", "pin v1"]
    assert shown["items"][1]["facility"] == 75


def test_an_unknown_assessment_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="No assessment 'nope'"):
        _run("--assessment", "nope")
