from unittest import mock

import pytest

from quayside import health


@pytest.mark.django_db
def test_healthz_answers_without_touching_any_dependency(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    with mock.patch.dict(health.READINESS_CHECKS, {"grading_engines": lambda: None}):
        response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200
    assert body["checks"] == {
        "database": {"status": "ok"},
        "broker": {"status": "ok"},
        "grading_engines": {"status": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_503_and_names_the_dependency_that_is_down(client):
    def engine_down() -> None:
        raise ConnectionError("no engine")

    with mock.patch.dict(health.READINESS_CHECKS, {"grading_engines": engine_down}):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["grading_engines"] == {
        "status": "unavailable",
        "detail": "ConnectionError",
    }
    assert response.json()["checks"]["database"] == {"status": "ok"}
