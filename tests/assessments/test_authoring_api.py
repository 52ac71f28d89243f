"""The instructor-only question-bank API under /api/v1/authoring/."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Question, QuestionStatus
from tests.assessments.conftest import QuestionMaker
from tests.question_examples import spec_of

FIXTURES = Path(__file__).resolve().parent / "interchange" / "fixtures"


def _every_request(question_id: int) -> list[tuple[str, str]]:
    one = {"question_id": question_id}
    return [
        ("get", reverse("api-question-list")),
        ("post", reverse("api-question-list")),
        ("get", reverse("api-question-detail", kwargs=one)),
        ("put", reverse("api-question-detail", kwargs=one)),
        ("get", reverse("api-question-versions", kwargs=one)),
        ("post", reverse("api-draft-approve", kwargs=one)),
        ("post", reverse("api-draft-reject", kwargs=one)),
        ("post", reverse("api-question-import")),
        ("get", reverse("api-question-export") + "?format=gift"),
    ]


def _payload(section_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "key": "web-port",
        "section": section_id,
        "type": "single_choice",
        "spec": spec_of("single_choice"),
        "tags": ["networking"],
    } | changes


@pytest.fixture
def api(instructor: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(instructor)
    return client


@pytest.fixture
def draft(make_question: QuestionMaker) -> Question:
    return make_question(key="draft-question", status=QuestionStatus.DRAFT)


def test_anonymous_callers_get_401_from_every_endpoint(draft: Question) -> None:
    client = APIClient()

    for method, url in _every_request(draft.pk):
        assert getattr(client, method)(url, {}, format="json").status_code == 401, url


def test_learners_get_403_from_every_endpoint(learner: User, draft: Question) -> None:
    client = APIClient()
    client.force_authenticate(learner)

    for method, url in _every_request(draft.pk):
        assert getattr(client, method)(url, {}, format="json").status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == QuestionStatus.DRAFT


def test_the_list_filters_by_section_type_status_and_tag(
    api: APIClient, make_question: QuestionMaker
) -> None:
    wanted = make_question(key="wanted", tags=("ports",))
    make_question(key="draft-one", status=QuestionStatus.DRAFT, tags=("ports",))
    make_question(key="elsewhere", tags=("ports",))

    response = api.get(
        reverse("api-question-list"),
        {"section": wanted.section_id, "status": "ready", "type": "single_choice", "tag": "ports"},
    )

    assert response.status_code == 200
    assert [item["key"] for item in response.json()["results"]] == ["wanted"]
    assert response.json()["results"][0]["current_version"]["spec"] == spec_of("single_choice")


def test_the_list_takes_a_fixed_number_of_queries(
    api: APIClient, make_question: QuestionMaker, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        make_question(tags=("ports", "networking"))

    with django_assert_max_num_queries(10):
        response = api.get(reverse("api-question-list"))

    assert response.json()["count"] == 12


def test_create_then_revise_then_list_versions(
    api: APIClient, docker_sections: dict[int, int]
) -> None:
    # create
    created = api.post(reverse("api-question-list"), _payload(docker_sections[5]), format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft"
    assert body["current_version"]["number"] == 1
    assert body["tags"] == ["networking"]
    detail_url = reverse("api-question-detail", kwargs={"question_id": body["id"]})
    # revise with new content: version 2
    spec = spec_of("single_choice") | {"prompt": "Which base image line pins its release?"}
    revised = api.put(
        detail_url, _payload(docker_sections[5], spec=spec, change_note="host"), format="json"
    )
    assert revised.status_code == 200
    assert revised.json()["current_version"]["number"] == 2
    # revise with the same content: no version
    again = api.put(detail_url, _payload(docker_sections[5], spec=spec), format="json")
    assert again.json()["current_version"]["number"] == 2
    # versions, newest first
    versions = api.get(reverse("api-question-versions", kwargs={"question_id": body["id"]}))
    results = versions.json()["results"]
    assert [version["number"] for version in results] == [2, 1]
    assert results[0]["change_note"] == "host"
    assert results[1]["spec"] == spec_of("single_choice")


def test_create_refuses_an_invalid_spec_with_every_problem(
    api: APIClient, docker_sections: dict[int, int]
) -> None:
    spec = {"prompt": "", "options": [], "feedback": "x"}

    response = api.post(
        reverse("api-question-list"), _payload(docker_sections[5], spec=spec), format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problems = response.json()["errors"]
    assert len(problems) >= 2
    assert {problem["field"] for problem in problems} == {"spec"}
    assert not Question.objects.exists()


def test_create_refuses_a_key_that_exists(
    api: APIClient, make_question: QuestionMaker, docker_sections: dict[int, int]
) -> None:
    make_question(key="web-port")

    response = api.post(reverse("api-question-list"), _payload(docker_sections[5]), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_key"
    assert Question.objects.count() == 1


def test_approve_makes_a_draft_ready_and_refuses_a_second_time(
    api: APIClient, draft: Question
) -> None:
    url = reverse("api-draft-approve", kwargs={"question_id": draft.pk})

    first = api.post(url)
    second = api.post(url)

    assert first.status_code == 200
    assert first.json()["status"] == "ready"
    assert second.status_code == 409


def test_reject_needs_a_reason_and_retires_the_draft(api: APIClient, draft: Question) -> None:
    url = reverse("api-draft-reject", kwargs={"question_id": draft.pk})

    missing = api.post(url, {}, format="json")
    rejected = api.post(url, {"reason": "Ambiguous"}, format="json")

    assert missing.status_code == 400
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "retired"
    assert rejected.json()["provenance_detail"]["reason"] == "Ambiguous"


def _import(api: APIClient, name: str, section_id: int, data: bytes | None = None) -> Any:
    content = data if data is not None else (FIXTURES / name).read_bytes()
    return api.post(
        reverse("api-question-import"),
        {
            "file": SimpleUploadedFile(name, content),
            "format": "moodle_xml" if name.endswith(".xml") else "gift",
            "section": section_id,
            "category_mapping": "tag",
        },
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "created", "unsupported"),
    [
        ("questions.gift.txt", 8, [{"type_name": "essay", "line": 2, "name": "Q8"}]),
        ("questions_in_category.gift.txt", 4, []),
        (
            "nested_categories_with_questions.xml",
            4,
            [{"type_name": "essay", "line": 55, "name": "Kappa Essay Question"}],
        ),
    ],
)
def test_import_creates_drafts_and_reports_unsupported_types(
    api: APIClient,
    docker_sections: dict[int, int],
    name: str,
    created: int,
    unsupported: list[dict[str, Any]],
) -> None:
    response = _import(api, name, docker_sections[5])

    assert response.status_code == 201
    assert len(response.json()["created"]) == created
    assert response.json()["unsupported"] == unsupported
    assert Question.objects.filter(status=QuestionStatus.DRAFT).count() == created


def test_import_of_a_broken_file_answers_422_and_writes_nothing(
    api: APIClient, docker_sections: dict[int, int]
) -> None:
    response = _import(api, "broken.gift", docker_sections[5], b"::a::Fine.{T}\n\n::b::Oops {=x\n")

    assert response.status_code == 422
    assert response.json()["created"] == []
    assert response.json()["problems"][0]["line"] == 3
    assert not Question.objects.exists()


def test_export_answers_a_file_and_400_without_a_format(
    api: APIClient, make_question: QuestionMaker
) -> None:
    make_question(key="web-port")

    exported = api.get(reverse("api-question-export"), {"format": "moodle_xml"})
    missing = api.get(reverse("api-question-export"))

    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/xml"
    assert b"<text>web-port</text>" in exported.content
    assert missing.status_code == 400


def test_export_lists_what_cannot_be_exported(api: APIClient, make_question: QuestionMaker) -> None:
    make_question(
        key="pick-a-port",
        question_type="docker_command",
        spec={
            "parameters": {"port": {"integer": [8000, 8999]}},
            "prompt": "Publish port 80 on host port {{port}}.",
            "answers": [{"command": "docker run -p {{port}}:80 nginx:1.25", "fraction": 1}],
            "feedback": "Section 5.",
        },
    )

    response = api.get(reverse("api-question-export"), {"format": "gift"})

    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "name": "pick-a-port",
            "type": "docker_command",
            "message": "parameterised variants cannot be exported",
        }
    ]


def test_the_openapi_schema_lists_every_authoring_endpoint(api: APIClient) -> None:
    response = api.get(reverse("api-schema"), {"format": "yaml"})

    paths = yaml.safe_load(response.content)["paths"]
    for path in (
        "/api/v1/authoring/questions/",
        "/api/v1/authoring/questions/{question_id}/",
        "/api/v1/authoring/questions/{question_id}/versions/",
        "/api/v1/authoring/questions/{question_id}/approve/",
        "/api/v1/authoring/questions/{question_id}/reject/",
        "/api/v1/authoring/questions/import/",
        "/api/v1/authoring/questions/export/",
    ):
        assert path in paths, path
