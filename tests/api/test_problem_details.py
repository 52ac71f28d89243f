"""One error format: application/problem+json (RFC 9457) for every error; rate limits."""

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from quayside.throttling import ApiRateThrottle

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "code"}


def test_a_validation_error_names_each_field(api, quiz):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
    url = f"/api/v1/attempts/{attempt['id']}/answers/1/"

    response = api.put(url, {"answer": "misspelt field"}, format="json")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "urn:quayside:problem:invalid",
        "title": "Bad Request",
        "status": 400,
        "detail": "response: This field is required.",
        "instance": url,
        "code": "invalid",
        "errors": [{"field": "response", "message": "This field is required.", "code": "required"}],
    }


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/attempts/999999/", 404, "not_found"),
        ("get", "/api/v1/assessments/no-such-quiz/", 404, "not_found"),
        ("delete", "/api/v1/me/", 405, "method_not_allowed"),
        ("get", "/api/v1/assessments/?page=99", 404, "not_found"),
        ("get", "/api/v1/no-such-endpoint/", 404, "not_found"),
        ("post", "/api/v2/attempts/", 404, "not_found"),
    ],
)
def test_every_error_is_a_problem(api, method, path, status, code):
    response = getattr(api, method)(path)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert set(response.json()) == PROBLEM_FIELDS
    assert response.json()["code"] == code


def test_a_body_that_is_not_json_is_a_problem(api, quiz):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()

    response = api.put(
        f"/api/v1/attempts/{attempt['id']}/answers/1/", "response=x", content_type="text/plain"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_problem_is_json_even_for_a_browser(api):
    response = api.get("/api/v1/attempts/999999/", HTTP_ACCEPT="text/html")

    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_an_unknown_api_path_is_a_problem_without_a_csrf_token(db):
    client = APIClient(enforce_csrf_checks=True)

    response = client.post("/api/v2/attempts/", {}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_page_outside_the_api_keeps_the_html_not_found_page(api):
    response = api.get("/no-such-page/")

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_a_bad_token_is_an_authentication_problem(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.fixture
def strict_rates(monkeypatch):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/min", "attempt_transition": "2/min"}
    # The throttle reads its rates at class level when first imported.
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", rates)


def test_too_many_requests_are_throttled_with_retry_after(api, strict_rates):
    statuses = [api.get("/api/v1/me/").status_code for _ in range(4)]

    throttled = api.get("/api/v1/me/")

    assert statuses == [200, 200, 200, 429]
    assert throttled.json()["code"] == "throttled"
    assert int(throttled.headers["Retry-After"]) > 0


def test_starting_and_submitting_have_a_stricter_rate(api, quiz, strict_rates, monkeypatch):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "attempt_transition": "2/min"}
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", rates)
    url = f"/api/v1/assessments/{quiz.slug}/attempts/"

    statuses = [api.post(url).status_code for _ in range(3)]
    listing = api.get(url)

    assert statuses == [201, 200, 429]
    assert listing.status_code == 200
