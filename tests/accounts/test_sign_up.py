"""Signing up mails a link that sets the password; the page never tells whether an address
already has an account (same answer, one mail either way)."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-crane-42"
SITE_URL = "https://quayside.example"
LINK = re.compile(re.escape(SITE_URL) + r"(/accounts/sign-up/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def mailbox(settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = SITE_URL


def _sign_up(client: Client, email: str, name: str = "Grace Hopper"):
    return client.post("/accounts/sign-up/", {"display_name": name, "email": email}, follow=True)


def _choose_password(client: Client, link: str, password: str = PASSWORD):
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )


def test_the_mailed_link_sets_the_password_activates_and_logs_in(client):
    # when
    answer = _sign_up(client, "Grace@Example.org")

    # then: a pending account, no session yet, one mail with a link on SITE_URL
    user = User.objects.get()
    assert (user.email, user.display_name, user.role) == (
        "grace@example.org",
        "Grace Hopper",
        Role.LEARNER,
    )
    assert not user.is_active
    assert not user.has_usable_password()
    assert "_auth_user_id" not in client.session
    assert "Check your email" in answer.content.decode()
    assert len(mail.outbox) == 1
    link = LINK.search(mail.outbox[0].body)
    assert link is not None

    # when the link is followed and a password chosen
    done = _choose_password(client, link.group(1))

    # then
    user.refresh_from_db()
    assert done.status_code == 302
    assert user.is_active
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_registered_address_gets_the_same_answer_and_one_mail(client):
    User.objects.create_user(email="ada@example.org", password=PASSWORD, display_name="Ada")

    new = _sign_up(Client(), "grace@example.org")
    taken = _sign_up(Client(), "ADA@example.org", name="Someone Else")

    assert new.status_code == taken.status_code == 200
    assert new.redirect_chain == [("/accounts/sign-up/sent/", 302)]
    assert taken.redirect_chain == new.redirect_chain
    assert taken.content == new.content
    assert [message.to for message in mail.outbox] == [["grace@example.org"], ["ada@example.org"]]
    assert mail.outbox[0].subject == mail.outbox[1].subject
    assert "already have an account" in mail.outbox[1].body
    assert LINK.search(mail.outbox[1].body) is None
    ada = User.objects.get(email="ada@example.org")
    assert ada.check_password(PASSWORD)
    assert ada.display_name == "Ada"


def test_signing_up_again_before_following_the_link_sends_a_fresh_one(client):
    _sign_up(client, "grace@example.org")
    _sign_up(client, "grace@example.org", name="Mallory")

    user = User.objects.get()
    assert user.display_name == "Grace Hopper"
    assert len(mail.outbox) == 2
    assert LINK.search(mail.outbox[1].body) is not None


def test_a_sign_up_link_works_once(client):
    _sign_up(client, "grace@example.org")
    link = LINK.search(mail.outbox[0].body)
    assert link is not None
    _choose_password(Client(), link.group(1))

    again = Client().get(link.group(1), follow=True)

    assert "invalid, expired or was already used" in again.content.decode()


def test_a_sign_up_link_cannot_stand_in_for_a_password_reset_link(client):
    _sign_up(client, "grace@example.org")
    link = LINK.search(mail.outbox[0].body)
    assert link is not None

    reset = Client().get(link.group(1).replace("/sign-up/", "/password-reset/"), follow=True)

    assert "This link is invalid or was already used." in reset.content.decode()


def test_a_pending_account_cannot_log_in(client):
    _sign_up(client, "grace@example.org")

    response = client.post("/accounts/log-in/", {"username": "grace@example.org", "password": ""})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_an_invalid_form_is_a_400_and_sends_nothing(client):
    response = client.post("/accounts/sign-up/", {"display_name": "", "email": "not-an-address"})

    assert response.status_code == 400
    assert mail.outbox == []
    assert User.objects.count() == 0
