"""The learner view of every type shows the question and never its answer."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, SpecError, instantiate, option_id
from tests.question_examples import QUESTION_EXAMPLES, secrets_found, spec_of

# Keys that only the answer side of a spec has; none may appear anywhere in a view.
ANSWER_KEYS = frozenset(
    {
        "correct",
        "fraction",
        "feedback",
        "feedback_true",
        "feedback_false",
        "answer",
        "answers",
        "regex",
        "command",
        "value",
        "tolerance",
        "rules",
        "pairs",
        "right",
        "distractors",
        "parameters",
        "key",
    }
)
SEEDS = range(25)


def _walk(node: Any) -> Iterator[tuple[str | None, Any]]:
    """Every (key, value) in a nested structure; list items have the key None."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield None, item
            yield from _walk(item)


def _views(type_name: str) -> Iterator[dict[str, Any]]:
    question_type = QUESTION_TYPES[type_name]
    spec, _ = instantiate(spec_of(type_name), 0)
    yield question_type.learner_view(spec, option_order=None)
    for seed in SEEDS:
        order = question_type.draw_option_order(spec, seed)
        yield question_type.learner_view(spec, option_order=order)


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_the_learner_view_never_contains_an_answer_key(type_name: str) -> None:
    for view in _views(type_name):
        keys = {key for key, _ in _walk(view) if key is not None}
        assert not keys & ANSWER_KEYS, keys & ANSWER_KEYS


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_the_learner_view_never_contains_an_answer_value(type_name: str) -> None:
    secrets = QUESTION_EXAMPLES[type_name].secrets
    for view in _views(type_name):
        shown = [value for _, value in _walk(view) if isinstance(value, str)]
        shown += [key for key, _ in _walk(view) if key is not None]
        leaks = {text: secrets_found(text, secrets) for text in shown}
        assert not any(leaks.values()), leaks
        values = [value for _, value in _walk(view)]
        assert not any(isinstance(value, bool | int | float) for value in values), values


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_the_learner_view_is_json_with_type_and_prompt(type_name: str) -> None:
    spec, _ = instantiate(spec_of(type_name), 0)

    view = QUESTION_TYPES[type_name].learner_view(spec, option_order=None)

    assert json.loads(json.dumps(view)) == view
    assert view["type"] == type_name
    assert view["prompt"] == spec["prompt"]


@pytest.mark.parametrize("type_name", ["single_choice", "multiple_response"])
def test_options_are_shown_in_the_frozen_order_with_ids_from_their_text(type_name: str) -> None:
    question_type = QUESTION_TYPES[type_name]
    spec = spec_of(type_name)
    order = list(reversed(range(question_type.option_count(spec))))

    view = question_type.learner_view(spec, option_order=order)

    texts = [spec["options"][index]["text"] for index in order]
    assert view["options"] == [{"id": option_id(text), "text": text} for text in texts]


def test_shuffle_false_keeps_the_authoring_order() -> None:
    question_type = QUESTION_TYPES["single_choice"]
    spec = spec_of("single_choice") | {"shuffle": False}

    view = question_type.learner_view(spec, option_order=[2, 1, 0])

    assert [option["text"] for option in view["options"]] == [o["text"] for o in spec["options"]]
    assert question_type.draw_option_order(spec, 7) is None


@pytest.mark.parametrize("type_name", ["ordering", "matching"])
def test_order_revealing_types_never_show_the_authoring_order(type_name: str) -> None:
    question_type = QUESTION_TYPES[type_name]
    spec = spec_of(type_name)
    authoring = question_type.option_texts(spec)
    field = "items" if type_name == "ordering" else "choices"

    for view in _views(type_name):
        assert [entry["text"] for entry in view[field]] != authoring
        assert sorted(entry["text"] for entry in view[field]) == sorted(authoring)


def test_two_item_ordering_is_shown_reversed() -> None:
    question_type = QUESTION_TYPES["ordering"]
    spec = spec_of("ordering") | {"items": ["docker build", "docker run"]}

    orders = {tuple(question_type.draw_option_order(spec, seed) or []) for seed in SEEDS}

    assert orders == {(1, 0)}


def test_matching_shows_lefts_in_order_and_every_choice_once() -> None:
    # given a second left that shares its right with the first
    spec = spec_of("matching")
    first = spec["pairs"][0]
    spec["pairs"].append({"left": f"{first['left']}-again", "right": first["right"]})

    view = QUESTION_TYPES["matching"].learner_view(spec, option_order=None)

    assert [left["text"] for left in view["lefts"]] == [pair["left"] for pair in spec["pairs"]]
    assert sorted(choice["text"] for choice in view["choices"]) == sorted(
        {pair["right"] for pair in spec["pairs"]} | set(spec["distractors"])
    )
    assert len(view["choices"]) == len(spec["pairs"]) - 1 + len(spec["distractors"])


def test_a_regex_answer_never_shows_in_the_learner_view() -> None:
    # given the short-text example with a regex answer beside its texts
    spec = spec_of("short_text")
    regex = {"regex": r"RUN\s+cd\s+\S+", "fraction": 0.25, "feedback": "Echidna cd lasts one RUN."}
    spec["answers"].append(regex)

    view = QUESTION_TYPES["short_text"].learner_view(spec)

    shown = [value for _, value in _walk(view) if isinstance(value, str)]
    assert not [text for text in shown if regex["regex"] in text or "Echidna" in text]


def test_dockerfile_view_shows_the_starter() -> None:
    spec = spec_of("dockerfile")

    view = QUESTION_TYPES["dockerfile"].learner_view(spec)

    assert view["starter"] == spec["starter"]


def test_numeric_view_shows_the_unit() -> None:
    view = QUESTION_TYPES["numeric"].learner_view(spec_of("numeric") | {"unit": "MB"})

    assert view["unit"] == "MB"


@pytest.mark.parametrize("order", [[0, 1], [0, 1, 1], [0, 1, 2, 3], [-1, 0, 1]])
def test_an_option_order_that_is_not_a_permutation_is_refused(order: list[int]) -> None:
    with pytest.raises(ValueError, match="permutation"):
        QUESTION_TYPES["single_choice"].learner_view(spec_of("single_choice"), option_order=order)


def test_a_spec_with_parameters_must_be_instantiated_first() -> None:
    spec = spec_of("short_text") | {"parameters": {"n": {"integer": [1, 3]}}}

    with pytest.raises(SpecError, match="instantiate"):
        QUESTION_TYPES["short_text"].learner_view(spec)


def test_the_leak_checks_catch_a_planted_answer() -> None:
    # given a view that (wrongly) carries the correct flag and a feedback text
    view = {"options": [{"id": "x", "text": "RUN", "correct": True}], "hint": "It only changes"}

    # when it is walked as the leak tests walk views
    keys = {key for key, _ in _walk(view) if key is not None}
    strings = [value for _, value in _walk(view) if isinstance(value, str)]

    # then both leaks are visible
    assert "correct" in keys & ANSWER_KEYS
    assert any("It only changes" in text for text in strings)
