"""An instructor reads the item statistics in a real browser: the charts draw, flagged items
link to their page, every chart has its table, and a screenshot is kept as a test artifact."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from assessments.services import demo_attempts
from assessments.services.demo_attempts import demo_attempts_seed
from tests.course_staff import staff_of_every_course

from .conftest import PASSWORD, WAIT_MS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

FINAL_EXAM = "docker-basics-final-exam"
# A smaller simulated cohort keeps the test quick; the page is the same.
DEMO_LEARNERS = 14


def artifacts_folder() -> Path:
    """Where browser tests leave screenshots (var/test/artifacts under scripts/test)."""
    folder = settings.VAR_DIR / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def desktop_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


@pytest.fixture
def browser_instructor(transactional_db: None) -> Iterator[User]:
    """An instructor who is staff of the course (of every course the test builds)."""
    user = User.objects.create_user(
        email="grace@example.org",
        password=PASSWORD,
        display_name="Grace Hopper",
        role=Role.INSTRUCTOR,
    )
    with staff_of_every_course(user):
        yield user


def test_an_instructor_reads_the_final_exam_statistics_with_charts(
    desktop_page: Page,
    live_server: LiveServer,
    demo_course: int,
    browser_instructor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = desktop_page
    # given simulated attempts at the demo course's assessments
    monkeypatch.setattr(demo_attempts, "DEMO_LEARNERS", DEMO_LEARNERS)
    assert demo_attempts_seed(module_id=demo_course).attempts > 0

    # when the instructor opens the final exam's report
    log_in(page, live_server, browser_instructor, f"/analytics/assessments/{FINAL_EXAM}/")

    # then the histogram draws its bars and pass mark, and its table matches
    histogram = page.locator("#histogram svg")
    expect(histogram).to_be_visible()
    assert histogram.bounding_box()["height"] > 100
    expect(page.locator("#histogram .pass-label")).to_have_text("pass mark 75 %")
    page.get_by_text("Scores as a table").click()
    counts = [int(n) for n in page.locator("#histogram + details td").all_inner_texts()]
    attempts = int(page.locator("#stat-attempts").inner_text().split()[0])
    assert sum(counts) == attempts > 0

    # and the scatter marks flagged items as linked squares
    expect(page.locator("#scatter svg")).to_be_visible()
    flagged = page.locator("#scatter a.point.flagged")
    assert flagged.count() > 0
    artifact = artifacts_folder() / "analytics-final-exam-report.png"
    page.screenshot(path=str(artifact), full_page=True)
    assert artifact.stat().st_size > 10_000

    name = flagged.first.get_attribute("data-item") or ""
    flagged.first.dispatch_event("click")
    page.wait_for_url(re.compile(r"/authoring/questions/\d+/statistics/$"))
    key = name.rsplit(" v", 1)[0]
    expect(page.get_by_role("heading", level=1)).to_contain_text(key)
    expect(page.locator("#version-statistics")).to_contain_text("current")


def test_the_course_heatmap_draws_a_row_per_learner(
    desktop_page: Page,
    live_server: LiveServer,
    demo_course: int,
    browser_instructor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = desktop_page
    monkeypatch.setattr(demo_attempts, "DEMO_LEARNERS", 6)
    demo_attempts_seed(module_id=demo_course)

    log_in(page, live_server, browser_instructor, "/analytics/")
    page.get_by_role("link", name=re.compile("Docker")).first.click()

    heatmap = page.locator("#heatmap svg")
    expect(heatmap).to_be_visible()
    rows = page.locator("#heatmap + details tbody tr")
    assert rows.count() == User.objects.filter(email__endswith=".invalid").count() == 6
    assert page.locator("#heatmap .cell").count() == 6 * page.locator(".section-key li").count()
    page.screenshot(path=str(artifacts_folder() / "analytics-course-heatmap.png"), full_page=True)
