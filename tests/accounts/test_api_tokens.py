"""Instructors take an API token from their profile page; it replaces the previous one."""

import re

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User


def test_an_instructor_gets_a_working_token_once_and_a_new_one_replaces_it(
    instructor: User,
) -> None:
    page = Client()
    page.force_login(instructor)

    first = page.post("/accounts/profile/", {"issue_api_token": "1"}).content.decode()
    second = page.post("/accounts/profile/", {"issue_api_token": "1"}).content.decode()

    old = re.search(r'<code id="api-token">([^<]+)</code>', first)
    new = re.search(r'<code id="api-token">([^<]+)</code>', second)
    assert old is not None
    assert new is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {new.group(1)}")
    assert api.get("/api/v1/me/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {old.group(1)}")
    assert api.get("/api/v1/me/").status_code == 401
    assert "api-token" not in page.get("/accounts/profile/").content.decode()


def test_a_learner_gets_no_token_from_the_profile(learner: User) -> None:
    page = Client()
    page.force_login(learner)

    response = page.post("/accounts/profile/", {"issue_api_token": "1"})

    assert "api-token" not in response.content.decode()
    assert not Token.objects.filter(user=learner).exists()
