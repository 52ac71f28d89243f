"""Log-ins (portal and admin) are throttled per account and per client address by django-axes:
LOGIN_FAILURE_LIMIT failures, then a 429 page for LOGIN_LOCKOUT_MINUTES, never a 500."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-crane-42"
LOG_IN = "/accounts/log-in/"


@pytest.fixture
def ada() -> User:
    return User.objects.create_user(email="ada@example.org", password=PASSWORD, display_name="Ada")


def _log_in(email: str, password: str, address: str, *, path: str = LOG_IN, **headers: str):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(path, {"username": email, "password": password})
    return client, response


def test_failures_for_one_account_from_many_addresses_pause_its_log_ins(ada):
    failures = [
        _log_in("ada@example.org", "wrong", f"10.0.0.{n}")[1]
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    # then even the right password, from a new address, is paused
    client, paused = _log_in("ada@example.org", PASSWORD, "10.0.1.1")
    assert [failure.status_code for failure in failures[:-1]] == [200] * (len(failures) - 1)
    assert paused.status_code == 429
    assert int(paused["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "Log-in paused" in paused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_case_of_the_address_does_not_reset_the_account_count(ada):
    spellings = ["ada@example.org", "ADA@example.org", "Ada@Example.org", " ada@example.org"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _log_in(spellings[n % len(spellings)], "wrong", f"10.0.0.{n}")

    _, paused = _log_in("ada@example.org", PASSWORD, "10.0.1.1")

    assert paused.status_code == 429


def test_failures_from_one_address_for_many_accounts_pause_that_address(ada):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _log_in(f"guess-{n}@example.org", "wrong", "10.7.7.7")

    _, from_there = _log_in("ada@example.org", PASSWORD, "10.7.7.7")
    elsewhere, from_elsewhere = _log_in("ada@example.org", PASSWORD, "10.8.8.8")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302
    assert "_auth_user_id" in elsewhere.session


def test_a_forged_x_forwarded_for_does_not_escape_the_address_count(ada):
    # NUM_PROXIES is 0: the header is the client's own words, not an address
    for n in range(settings.AXES_FAILURE_LIMIT):
        _log_in(f"guess-{n}@example.org", "wrong", "10.7.7.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    _, paused = _log_in(
        "ada@example.org", PASSWORD, "10.7.7.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )

    assert paused.status_code == 429


def test_the_admin_log_in_is_throttled_too(db):
    User.objects.create_superuser(email="root@example.org", password=PASSWORD, display_name="Root")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _log_in("root@example.org", "wrong", f"10.0.2.{n}", path="/admin/login/")

    _, paused = _log_in("root@example.org", PASSWORD, "10.0.3.1", path="/admin/login/")

    assert paused.status_code == 429
    assert "Log-in paused" in paused.content.decode()


def test_a_success_before_the_limit_clears_the_count(ada):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in("ada@example.org", "wrong", "10.0.0.1")
    _log_in("ada@example.org", PASSWORD, "10.0.0.1")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in("ada@example.org", "wrong", "10.0.0.1")
    client, last = _log_in("ada@example.org", PASSWORD, "10.0.0.1")

    assert last.status_code == 302
    assert "_auth_user_id" in client.session


def test_an_instructor_account_is_throttled_like_any_other(db):
    User.objects.create_user(
        email="grace@example.org", password=PASSWORD, display_name="Grace", role=Role.INSTRUCTOR
    )
    for n in range(settings.AXES_FAILURE_LIMIT):
        _log_in("grace@example.org", "wrong", f"10.0.4.{n}")

    assert _log_in("grace@example.org", PASSWORD, "10.0.5.1")[1].status_code == 429
