"""Password reset: links on SITE_URL whatever Host the request names, API tokens revoked when
the reset completes, and requests rate-limited per account and per client address."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-crane-42"
SITE_URL = "https://quayside.example"


@pytest.fixture(autouse=True)
def mailbox(settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = ["quayside.example", "attacker.example", "testserver"]


@pytest.fixture
def ada() -> User:
    return User.objects.create_user(email="ada@example.org", password=PASSWORD, display_name="Ada")


def _reset_link(body: str) -> str:
    found = re.search(re.escape(SITE_URL) + r"(/accounts/password-reset/\S+/)", body)
    assert found is not None, body
    return found.group(1)


def test_the_link_is_built_on_site_url_not_on_the_host_header(ada):
    Client().post(
        "/accounts/password-reset/", {"email": "ada@example.org"}, HTTP_HOST="attacker.example"
    )

    (message,) = mail.outbox
    assert "attacker.example" not in message.body
    assert "attacker.example" not in message.subject
    assert _reset_link(message.body).startswith("/accounts/password-reset/")


def test_a_completed_reset_revokes_the_users_api_tokens(ada):
    token = Token.objects.create(user=ada)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 200
    client = Client()
    client.post("/accounts/password-reset/", {"email": "ada@example.org"})
    form_page = client.get(_reset_link(mail.outbox[0].body), follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-harbour-77", "new_password2": "a-new-harbour-77"},
    )

    ada.refresh_from_db()
    assert ada.check_password("a-new-harbour-77")
    assert not Token.objects.filter(user=ada).exists()
    assert api.get("/api/v1/me/").status_code == 401


def test_requests_for_one_account_are_limited_whatever_the_client_address(ada):
    # PASSWORD_RESET_RATE_PER_ACCOUNT: 3/hour; the case of the address makes no difference
    answers = [
        Client().post(
            "/accounts/password-reset/",
            {"email": "ADA@example.org" if n % 2 else "ada@example.org"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )
        for n in range(4)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert "Please wait" in answers[-1].content.decode()
    assert len(mail.outbox) == 3


def test_requests_from_one_address_are_limited_whatever_the_account(ada):
    # PASSWORD_RESET_RATE_PER_ADDRESS: 10/hour
    client = Client(REMOTE_ADDR="10.9.9.9")
    answers = [
        client.post("/accounts/password-reset/", {"email": f"someone-{n}@example.org"})
        for n in range(11)
    ]

    assert [answer.status_code for answer in answers] == [302] * 10 + [429]


def test_the_limit_answers_alike_for_registered_and_unknown_addresses(ada):
    known = [
        Client().post(
            "/accounts/password-reset/", {"email": "ada@example.org"}, REMOTE_ADDR=f"10.1.0.{n}"
        )
        for n in range(4)
    ]
    unknown = [
        Client().post(
            "/accounts/password-reset/", {"email": "nobody@example.org"}, REMOTE_ADDR=f"10.2.0.{n}"
        )
        for n in range(4)
    ]

    assert (
        [a.status_code for a in known] == [a.status_code for a in unknown] == [302, 302, 302, 429]
    )
    assert known[-1].content == unknown[-1].content


def test_sign_ups_are_limited_per_submitted_address(db):
    answers = [
        Client().post(
            "/accounts/sign-up/",
            {"display_name": "Grace", "email": "grace@example.org"},
            REMOTE_ADDR=f"10.3.0.{n}",
        )
        for n in range(4)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
