"""Shared fixtures: the three people most tests need, and a cache emptied for every test."""

import pytest
from django.core.cache import cache

from accounts.models import Role, User

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Rate-limit counters live in the cache (Redis under scripts/test), which outlives a test's
    database; each test starts with none."""
    cache.clear()


@pytest.fixture
def learner(db: None) -> User:
    return User.objects.create_user(
        email="ada@example.org", password=PASSWORD, display_name="Ada Lovelace", role=Role.LEARNER
    )


@pytest.fixture
def other_learner(db: None) -> User:
    return User.objects.create_user(
        email="alan@example.org", password=PASSWORD, display_name="Alan Turing", role=Role.LEARNER
    )


@pytest.fixture
def instructor(db: None) -> User:
    return User.objects.create_user(
        email="grace@example.org",
        password=PASSWORD,
        display_name="Grace Hopper",
        role=Role.INSTRUCTOR,
    )
