"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Each test module is marked `browser` and `postgres` (the live server and the test share the
database across threads); tests/service_guard.py skips them without Chromium or PostgreSQL on a
laptop and fails them in CI. Never run `playwright install`: we use the system Chromium.
"""

from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from coursepackages.api import demo_module_id
from tests.service_guard import CHROMIUM

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-staple"
# Playwright waits this long (ms) for a page or an element before failing.
WAIT_MS = 15_000


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's guard against ORM calls from async code does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()
        # The test's ORM calls ran beside Playwright's loop on a connection of their own; close
        # it here, or the test database cannot be dropped at the end of the run.
        connections.close_all()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page: the portal must work on a small touch screen."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    # The Content-Security-Policy must never block what the portal itself loads or runs.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert refused == [], refused


@pytest.fixture
def demo_course(transactional_db: None) -> int:
    """The demo package synced (as scripts/start does); returns the main module's id."""
    return demo_module_id()


@pytest.fixture
def browser_learner(transactional_db: None) -> User:
    return User.objects.create_user(
        email="ada@example.org", password=PASSWORD, display_name="Ada Lovelace", role=Role.LEARNER
    )


def log_in(page: Page, live_server: LiveServer, user: User, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{next_path}")
