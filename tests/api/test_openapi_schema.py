"""The OpenAPI schema: valid, with no answer key in any learner example, and honoured by the
server (Schemathesis over every operation, as a learner, finds no 5xx and no schema violation)."""

from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessments.services.attempts import attempt_start
from quayside.wsgi import application
from tests.api.leak_scan import ANSWER_KEY_KEYS, GRADE_KEYS

# Progress shows only mastery from grades already visible, so its examples carry numbers.
LEARNER_TAGS = frozenset({"attempts", "assessments"})
# Enough generated requests per operation to find crashes, few enough to stay near a minute.
EXAMPLES_PER_OPERATION = 12


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "/api/v1/attempts/{attempt_id}/answers/{position}/" in target.read_text()


def _examples(node: Any) -> list[Any]:
    if isinstance(node, dict):
        found = [example["value"] for example in node.get("examples", {}).values()]
        return found + [value for child in node.values() for value in _examples(child)]
    if isinstance(node, list):
        return [value for child in node for value in _examples(child)]
    return []


def _revealing_keys(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [
            key
            for key, value in node.items()
            if key in ANSWER_KEY_KEYS or (key in GRADE_KEYS and value is not None)
        ] + [key for value in node.values() for key in _revealing_keys(value)]
    if isinstance(node, list):
        return [key for value in node for key in _revealing_keys(value)]
    return []


def test_no_learner_example_shows_an_answer_key_or_a_grade(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    learner_operations = [
        operation
        for path_item in schema["paths"].values()
        for operation in path_item.values()
        if LEARNER_TAGS & set(operation.get("tags", []))
    ]

    examples = [example for op in learner_operations for example in _examples(op["responses"])]

    assert len(examples) >= 5
    assert [key for example in examples for key in _revealing_keys(example)] == []


# Schemathesis -----------------------------------------------------------------------------------


@pytest.fixture
def wsgi_requests_in_the_test_transaction():
    """Like Django's test client: a request must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def learner_world(learner, quiz) -> dict[str, Any]:
    """A learner with a token and an attempt in progress, so valid paths reach real code."""
    attempt = attempt_start(learner=learner, assessment=quiz)
    token, _ = Token.objects.get_or_create(user=learner)
    return {
        "headers": {"Authorization": f"Token {token.key}"},
        "path_parameters": {"slug": quiz.slug, "attempt_id": attempt.pk, "position": 1},
    }


# Loaded at collection: the schema view needs no database. (Schemathesis' lazy fixture loader
# does not work with this pytest version.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


# Response checks: no 5xx, and status codes, content types, headers and bodies as documented.
# (Schemathesis' request-strictness heuristics are left out: an empty filter means "no filter",
# and whether an answer fits a question depends on the frozen question, not on the schema.)
RESPONSE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _call_and_validate(case, headers: dict[str, str]) -> None:
    response = case.call(headers=headers)
    try:
        resolve(urlsplit(response.request.url).path)
    except Resolver404:
        # A path no API route matches (generated from a negative example) never reaches DRF:
        # the project's handler404 answers it (quayside.problem_details.not_found).
        assert response.status_code == 404
        return
    case.validate_response(response, checks=RESPONSE_CHECKS)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_server_honours_its_schema(case, wsgi_requests_in_the_test_transaction, learner_world):
    _exercise(case, learner_world)


def _exercise(case, learner_world) -> None:
    # as generated (mostly unknown ids and slugs) ...
    _call_and_validate(case, learner_world["headers"])
    # ... and with the learner's own assessment and attempt, so bodies and queries reach the code
    known = {
        name: value
        for name, value in learner_world["path_parameters"].items()
        if name in (case.path_parameters or {})
    }
    if known:
        case.path_parameters = {**case.path_parameters, **known}
        _call_and_validate(case, learner_world["headers"])
