"""The instructors' statistics endpoint: who may read it, and what it returns."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, Attempt

URL = "/api/v1/assessments/{slug}/statistics/"


def _client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_an_anonymous_request_is_unauthorised(quiz: Assessment) -> None:
    for url in (URL.format(slug=quiz.slug), f"/api/v1/assessments/{quiz.slug}/statistics.csv"):
        assert _client(None).get(url).status_code == 401


def test_a_learner_is_forbidden(quiz: Assessment, learner: User) -> None:
    response = _client(learner).get(URL.format(slug=quiz.slug))
    csv_response = _client(learner).get(f"/api/v1/assessments/{quiz.slug}/statistics.csv")

    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"
    assert csv_response.status_code == 403


def test_an_instructor_reads_the_statistics(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    response = _client(instructor).get(URL.format(slug=quiz.slug), {"attempts": "all"})

    assert response.status_code == 200
    body = response.json()
    assert body["assessment"] == quiz.slug
    assert body["test"]["attempts"] == 4
    assert body["test"]["selection"] == "all"
    copy = body["items"][0]
    assert copy["item"] == "copy v1"
    assert copy["facility"] == 50
    assert copy["question_id"] == quiz.slots.get(position=1).question_id
    assert {option["text"] for option in copy["options"]} == {"COPY", "ADD --from", "RUN cp"}
    assert "non_functional_distractors" in copy["flags"]


def test_the_csv_export_has_the_json_items_columns(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    response = _client(instructor).get(f"/api/v1/assessments/{quiz.slug}/statistics.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["item"] for row in rows] == ["copy v1", "kernel v1", "pin v1"]
    assert float(rows[1]["facility"]) == 75


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/assessments/none/statistics/", 404), (URL + "?attempts=most", 400)],
)
def test_bad_requests_are_problems(
    quiz: Assessment, instructor: User, path: str, status: int
) -> None:
    response = _client(instructor).get(path.format(slug=quiz.slug))

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"


def test_the_endpoint_is_in_the_openapi_schema(db: None) -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/assessments/{slug}/statistics/"]["get"]
    assert operation["operationId"] == "assessment_statistics"
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"slug", "attempts"}
