"""Shared fixtures: the three people most tests need, and a cache emptied for every test."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from accounts.models import Role, User
from tests.course_staff import staff_of_every_course
from tests.service_guard import missing_services, service_missing

PASSWORD = "correct-horse-battery-staple"

# scripts/test runs every test on xdist workers with `--dist loadgroup`: Docker and browser tests
# share the workers with the rest, as gradings share a real engine with other gradings (their
# verdicts must not depend on load). Only tests that start Docker engines of their own run one
# after another, on one worker: two private engines with their base images at once would take
# the disk and CPU of this 2-core machine for minutes.
SERIAL_GROUPS = ("engines",)


# tryfirst: xdist's own hook writes each item's group into its node id, so ours must run before.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for group in SERIAL_GROUPS:
            if item.get_closest_marker(group):
                item.add_marker(pytest.mark.xdist_group(group))
                break


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked with a service it needs skips without it (fails in CI), before any fixture
    of it runs: see tests/service_guard.py."""
    reasons = missing_services({marker.name for marker in item.iter_markers()})
    if reasons:
        service_missing("; ".join(reasons))


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
def instructor(db: None) -> Iterator[User]:
    """The instructor of the course under test: staff of every course the test has or builds.

    Staff are per course (courses.access); the refusals across courses are tested with people
    made staff of one course only (tests/courses/test_course_staff.py, the two-course walks).
    """
    user = User.objects.create_user(
        email="grace@example.org",
        password=PASSWORD,
        display_name="Grace Hopper",
        role=Role.INSTRUCTOR,
    )
    with staff_of_every_course(user):
        yield user
