"""Exchanges (graders/checks/exchange.py): the spec is validated for task authors, values are
drawn per job and the answers are judged against what the task's app computes. No Docker."""

import json
import random
import secrets
from typing import Any

import pytest

from graders.checks.exchange import (
    ExchangeSpecError,
    draw_exchange,
    exchange_spec,
    judge_exchange,
)
from graders.sandbox.http_exchange import MAX_REQUESTS, HttpReply, Method

VISITS: dict[str, Any] = {
    "port": 8000,
    "values": {
        "visitor": {"kind": "token"},
        "times": {"kind": "integer", "min": 2, "max": 5},
        "words": {"kind": "words", "count": 2},
    },
    "requests": [
        {
            "what": "count a visit",
            "method": "POST",
            "path": "/visits",
            "json": {"visitor": "{visitor}", "note": "{words} by {visitor}"},
            "repeat": "{times}",
            "status": 201,
            "expect": {"visitor": "{visitor}"},
        },
        {
            "what": "read the count",
            "path": "/visitors/{visitor}?about={words}",
            "expect": {"visits": "{times}", "list": [{"name": "{visitor}"}]},
        },
    ],
}


def _with(**changes: Any) -> dict[str, Any]:
    return {**VISITS, **changes}


def _step(**changes: Any) -> dict[str, Any]:
    return _with(requests=[{"path": "/x", **changes}])


def _reply(drawn: Any, index: int, status: int | None, body: Any) -> HttpReply:
    text = body if isinstance(body, str) else json.dumps(body)
    return HttpReply(drawn.steps[index].request, status, text, "" if status else "refused")


def _correct_replies(drawn: Any) -> list[HttpReply]:
    visitor, times = drawn.values["visitor"], drawn.values["times"]
    replies = [_reply(drawn, i, 201, {"visitor": visitor, "visits": i + 1}) for i in range(times)]
    answer = {"visits": times, "list": [{"name": "other"}, {"name": visitor, "extra": 1}]}
    return [*replies, _reply(drawn, times, 200, answer)]


def test_values_are_drawn_anew_for_every_job_and_the_expected_answers_follow_them() -> None:
    # given
    spec = exchange_spec(VISITS)

    # when
    first, second = (draw_exchange(spec, secrets.SystemRandom()) for _ in range(2))

    # then
    assert first.values["visitor"] != second.values["visitor"]
    for drawn in (first, second):
        visitor, times = drawn.values["visitor"], drawn.values["times"]
        assert isinstance(visitor, str)
        assert len(visitor) == 12
        assert int(visitor, 16) >= 0
        assert isinstance(times, int)
        assert 2 <= times <= 5
        assert len(drawn.steps) == times + 1
        assert drawn.steps[-1].expect["visits"] == times  # a number, as the app answers it
        post = drawn.steps[0].request
        assert post.method == Method.POST
        assert json.loads(post.json_body)["note"] == f"{drawn.values['words']} by {visitor}"


def test_placeholders_in_a_path_are_url_encoded() -> None:
    drawn = draw_exchange(exchange_spec(VISITS), random.Random(7))

    path = drawn.steps[-1].request.path

    words = str(drawn.values["words"])
    assert path == f"/visitors/{drawn.values['visitor']}?about={words.replace(' ', '%20')}"


def test_answers_that_the_tasks_app_would_give_pass() -> None:
    drawn = draw_exchange(exchange_spec(VISITS), secrets.SystemRandom())

    outcome = judge_exchange(drawn, _correct_replies(drawn))

    assert outcome.passed, outcome.problem
    assert outcome.evidence["values"] == dict(drawn.values)


@pytest.mark.parametrize(
    ("index", "status", "body", "problem"),
    [
        (0, None, "", "(count a visit) got no answer: refused"),
        (0, 501, "Not Implemented", "answered HTTP 501; the task's app answers 201. It said"),
        (0, 201, "<html>ok</html>", "which is not JSON"),
        (0, 201, {"status": "ok"}, "`visitor` is missing"),
        (-1, 200, {"visits": 1, "list": []}, "`visits` is 1, where the task's app answers"),
        (-1, 200, {"visits": "{times}", "list": []}, '`visits` is "{times}"'),
    ],
    ids=["no-answer", "status", "not-json", "missing-key", "wrong-count", "canned-string"],
)
def test_a_wrong_answer_fails_and_the_message_names_the_step_and_the_difference(
    index: int, status: int | None, body: Any, problem: str
) -> None:
    # given
    drawn = draw_exchange(exchange_spec(VISITS), secrets.SystemRandom())
    replies = _correct_replies(drawn)
    replies[index] = _reply(drawn, index % len(replies), status, body)

    # when
    outcome = judge_exchange(drawn, replies)

    # then
    assert not outcome.passed
    assert problem in outcome.problem


def test_a_list_must_hold_an_item_matching_each_expected_one() -> None:
    drawn = draw_exchange(exchange_spec(VISITS), secrets.SystemRandom())
    replies = _correct_replies(drawn)
    times = drawn.values["times"]
    replies[-1] = _reply(drawn, -1, 200, {"visits": times, "list": [{"name": "someone"}]})

    outcome = judge_exchange(drawn, replies)

    assert not outcome.passed
    assert "no item of `list` matches" in outcome.problem


def test_json_true_is_not_the_number_one() -> None:
    spec = exchange_spec(_step(expect={"ok": True}))
    drawn = draw_exchange(spec, secrets.SystemRandom())

    judged = [judge_exchange(drawn, [_reply(drawn, 0, 200, {"ok": value})]) for value in (1, True)]

    assert [outcome.passed for outcome in judged] == [False, True]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (_with(retries=3), "unknown exchange params: retries"),
        (_with(requests=[]), "at least one request"),
        (_with(values={"n": {"kind": "uuid"}}), "kind must be one of"),
        (_with(values={"N": {"kind": "token"}}), "a lowercase name"),
        (_with(values={"n": {"kind": "integer", "min": 5, "max": 5}}), "n.max"),
        (_step(path="/x/{nobody}"), "undeclared ['nobody']"),
        (_step(json={"a": 1}), "a POST sends a `json` body and a GET none"),
        (_step(method="POST"), "a POST sends a `json` body and a GET none"),
        (_step(method="DELETE"), "method must be GET or POST"),
        (_step(status=99), "status must be a whole number"),
        (_step(path="/with space"), "is not a URL path"),
        (_step(repeat=MAX_REQUESTS + 1), "repeat must be a whole number"),
        (_step(sleep=1), "an object with keys among"),
        (_with(ready_path="health"), "ready_path"),
        (
            _with(
                values={"n": {"kind": "integer", "min": 1, "max": MAX_REQUESTS}},
                requests=[{"path": "/a", "repeat": "{n}"}, {"path": "/b"}],
            ),
            f"may send {MAX_REQUESTS + 1} requests",
        ),
        (
            _with(values={"t": {"kind": "token"}}, requests=[{"path": "/a", "repeat": "{t}"}]),
            "an integer value with min >= 1",
        ),
    ],
)
def test_a_malformed_exchange_is_refused_with_a_message_for_the_task_author(
    params: dict[str, Any], error: str
) -> None:
    with pytest.raises(ExchangeSpecError) as refused:
        exchange_spec(params)

    assert error in str(refused.value)
