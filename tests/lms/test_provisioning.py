"""Service accounts provision their learners (no password), and their tokens are managed."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import Role, User
from lms.models import ServiceAccount
from lms.services import service_account_create
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def service(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Service {token}")
    return client


@pytest.fixture
def token(learner: User) -> str:
    course = CourseFactory(slug="docker")
    return service_account_create(
        name="Moodle", course_slugs=[course.slug], learner_emails=[learner.email]
    ).token


def test_a_service_account_creates_a_learner_without_a_password(token: str) -> None:
    response = service(token).post(
        "/api/v1/lms/learners/",
        {"email": "New@Example.org", "display_name": "New Learner", "external_id": "u-42"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["external_id"] == "u-42"
    created = User.objects.get(email="new@example.org")
    assert created.role == Role.LEARNER
    assert not created.has_usable_password()
    assert ServiceAccount.objects.get().learners.filter(pk=created.pk).exists()


def test_provisioning_again_by_external_id_updates_the_same_learner(token: str) -> None:
    client = service(token)
    first = client.post(
        "/api/v1/lms/learners/",
        {"email": "a@example.org", "display_name": "A", "external_id": "u-1"},
        format="json",
    ).json()

    again = client.post(
        "/api/v1/lms/learners/",
        {"email": "a2@example.org", "display_name": "A Two", "external_id": "u-1"},
        format="json",
    )

    assert again.status_code == 200
    assert again.json() == {
        "id": first["id"],
        "email": "a2@example.org",
        "display_name": "A Two",
        "external_id": "u-1",
    }


def test_an_email_held_outside_the_scope_is_refused(token: str, other_learner: User) -> None:
    response = service(token).post(
        "/api/v1/lms/learners/",
        {"email": other_learner.email, "display_name": "Takeover"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert not ServiceAccount.objects.get().learners.filter(pk=other_learner.pk).exists()


def test_the_list_and_updates_reach_only_learners_in_scope(
    token: str, learner: User, other_learner: User
) -> None:
    client = service(token)

    listed = client.get("/api/v1/lms/learners/").json()["results"]
    renamed = client.patch(
        f"/api/v1/lms/learners/{learner.pk}/", {"display_name": "Ada L."}, format="json"
    )
    outside = client.patch(
        f"/api/v1/lms/learners/{other_learner.pk}/", {"display_name": "X"}, format="json"
    )

    assert [row["email"] for row in listed] == [learner.email]
    assert renamed.status_code == 200
    assert renamed.json()["display_name"] == "Ada L."
    assert outside.status_code == 404


def test_provisioning_needs_a_service_token(learner: User) -> None:
    from rest_framework.authtoken.models import Token

    own = APIClient()
    own.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=learner).key}")

    assert own.get("/api/v1/lms/learners/").status_code == 401
    refused = service("not-a-token").get("/api/v1/lms/learners/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Service realm="api"'


def test_a_401_for_a_service_request_names_the_service_scheme(token: str) -> None:
    response = service("wrong").get("/api/v1/me/", HTTP_X_ON_BEHALF_OF="ada@example.org")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Service realm="api"'


def test_scope_changes_deactivation_and_rotation_by_command(
    token: str, learner: User, other_learner: User
) -> None:
    CourseFactory(slug="kubernetes")
    out = io.StringIO()

    call_command(
        "service_account_scope",
        "Moodle",
        add_course=["kubernetes"],
        remove_course=["docker"],
        add_learner=[other_learner.email],
        stdout=out,
    )
    account = ServiceAccount.objects.get()
    assert list(account.courses.values_list("slug", flat=True)) == ["kubernetes"]
    assert account.learners.count() == 2

    call_command("service_account_deactivate", "Moodle", stdout=out)
    assert service(token).get("/api/v1/lms/learners/").status_code == 401

    rotated = io.StringIO()
    call_command("service_account_rotate_token", "Moodle", stdout=rotated, stderr=io.StringIO())
    new_token = rotated.getvalue().splitlines()[-1]
    assert service(new_token).get("/api/v1/lms/learners/").status_code == 200
    assert service(token).get("/api/v1/lms/learners/").status_code == 401
    with pytest.raises(CommandError, match="No course"):
        call_command("service_account_scope", "Moodle", add_course=["nope"], stdout=out)


def test_a_patch_changes_the_email_of_the_same_learner(token: str, learner: User) -> None:
    client = service(token)

    response = client.patch(
        f"/api/v1/lms/learners/{learner.pk}/",
        {"email": "ada.new@example.org", "external_id": "u-9"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["id"] == learner.pk
    assert response.json()["external_id"] == "u-9"
    learner.refresh_from_db()
    assert learner.email == "ada.new@example.org"
    assert User.objects.count() == 1
