"""The example catalogue every test takes its questions from (tests/question_examples.py) holds
one example of every registered type, each one valid, answered right by its full-credit
response through an attempt, and with answer-side strings no learner view shows by chance."""

import json
from typing import Any

import pytest
from django.http import QueryDict

from accounts.models import User
from assessments.question_types import QUESTION_TYPES, instantiate
from assessments.selectors.attempts import ItemForSave
from assessments.services.answers import attempt_answer_save
from assessments.services.attempts import attempt_start, attempt_submit
from tests.factories import SectionFactory, assessment_build, question_build
from tests.question_examples import (
    ALL_SECRETS,
    QUESTION_EXAMPLES,
    TYPE_NAMES,
    secrets_found,
)

SEEDS = range(10)
HTML_ESCAPED = "&<>\"'"


def _strings(node: Any) -> list[str]:
    """Every string (value or key) in a nested structure."""
    if isinstance(node, dict):
        return [text for key, value in node.items() for text in [key, *_strings(value)]]
    if isinstance(node, list):
        return [text for item in node for text in _strings(item)]
    return [node] if isinstance(node, str) else []


def _feedback_texts(node: Any) -> list[str]:
    """Every text under a key that starts with "feedback", at any depth."""
    if isinstance(node, dict):
        return [
            text
            for key, value in node.items()
            for text in ([value] if key.startswith("feedback") and isinstance(value, str) else [])
            + _feedback_texts(value)
        ]
    if isinstance(node, list):
        return [text for item in node for text in _feedback_texts(item)]
    return []


def test_the_catalogue_has_one_example_of_every_registered_type() -> None:
    assert set(QUESTION_EXAMPLES) == set(QUESTION_TYPES)
    assert all(example.question_type == name for name, example in QUESTION_EXAMPLES.items())


def test_every_right_response_earns_full_marks_through_an_attempt(learner: User) -> None:
    # given one question of every type, created by the authoring service, in one quiz
    section = SectionFactory()
    questions = [
        question_build(section=section, question_type=name, spec=QUESTION_EXAMPLES[name].spec())
        for name in TYPE_NAMES
    ]
    attempt = attempt_start(
        learner=learner, assessment=assessment_build(section=section, questions=questions)
    )

    # when every question is answered with its example's right response and the attempt submitted
    items = attempt.questions.select_related("attempt__assessment", "question_version")
    for item in items:
        example = QUESTION_EXAMPLES[item.question_version.type]
        attempt_answer_save(item=ItemForSave.of(item), response=example.right_response())
    submitted = attempt_submit(attempt=attempt)

    # then each earns full credit
    fractions = dict(submitted.questions.values_list("question_version__type", "fraction"))
    assert fractions == dict.fromkeys(TYPE_NAMES, 1.0)
    assert submitted.percent == 100


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_the_form_post_reads_back_as_the_right_response(type_name: str) -> None:
    example = QUESTION_EXAMPLES[type_name]
    question_type = QUESTION_TYPES[type_name]
    spec = example.spec()
    form = QueryDict(mutable=True)
    for name, value in example.post_for("q1").items():
        form.setlist(name, value if isinstance(value, list) else [value])

    posted = question_type.response_from_form(form, "q1")

    assert question_type.normalise_response(spec, posted) == question_type.normalise_response(
        spec, example.right_response()
    )


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_every_feedback_text_is_a_secret_named_by_the_codeword(type_name: str) -> None:
    example = QUESTION_EXAMPLES[type_name]
    feedback = _feedback_texts(example.spec())

    assert feedback
    assert [text for text in feedback if example.codeword not in text] == []
    assert set(feedback) <= set(example.secrets)


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_every_secret_is_answer_side_text_of_its_spec(type_name: str) -> None:
    example = QUESTION_EXAMPLES[type_name]
    spec_text = json.dumps(example.spec())

    assert [secret for secret in example.secrets if secret not in spec_text] == []
    # a page shows a secret as written only if HTML escapes none of its characters
    assert [secret for secret in example.secrets if set(secret) & set(HTML_ESCAPED)] == []


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_no_learner_view_of_any_example_holds_a_secret_of_any_example(type_name: str) -> None:
    question_type = QUESTION_TYPES[type_name]
    spec, _ = instantiate(QUESTION_EXAMPLES[type_name].spec(), 0)

    shown = [
        text
        for seed in SEEDS
        for text in _strings(
            question_type.learner_view(
                spec, option_order=question_type.draw_option_order(spec, seed)
            )
        )
    ]

    assert [secret for text in shown for secret in secrets_found(text, ALL_SECRETS)] == []


def test_a_number_is_found_only_where_no_digit_touches_it() -> None:
    assert secrets_found("The image weighs 4242.5 MB.", ["4242.5"]) == ["4242.5"]
    assert secrets_found("2025-06-01T10:00:04.242500Z", ["4.2425", "0.0625"]) == []
    assert secrets_found("id 142425", ["4242"]) == []
