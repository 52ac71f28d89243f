"""Renaming is limited to DISPLAY_NAME_CHANGES_PER_DAY a day, and every rename is recorded."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import DisplayNameChange, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_client() -> tuple[User, Client]:
    user = User.objects.create_user(email="ada@example.org", password="x", display_name="Ada")
    client = Client()
    client.force_login(user)
    return user, client


def test_renames_past_the_daily_limit_are_refused_until_a_day_has_passed(ada_client):
    user, client = ada_client
    limit = settings.DISPLAY_NAME_CHANGES_PER_DAY
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        accepted = [
            client.post("/accounts/profile/", {"display_name": f"Ada {n}"}) for n in range(limit)
        ]
        refused = client.post("/accounts/profile/", {"display_name": "Ada Again"})

    user.refresh_from_db()
    assert [answer.status_code for answer in accepted] == [302] * limit
    assert refused.status_code == 429
    assert f"{limit} times a day" in refused.content.decode()
    assert user.display_name == f"Ada {limit - 1}"
    assert DisplayNameChange.objects.filter(user=user).count() == limit

    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        later = client.post("/accounts/profile/", {"display_name": "Ada Again"})
    user.refresh_from_db()
    assert later.status_code == 302
    assert user.display_name == "Ada Again"


def test_saving_the_same_name_is_no_rename(ada_client):
    user, client = ada_client

    for _ in range(settings.DISPLAY_NAME_CHANGES_PER_DAY + 1):
        answer = client.post("/accounts/profile/", {"display_name": "  Ada "})

    assert answer.status_code == 302
    assert DisplayNameChange.objects.filter(user=user).count() == 0
