"""An instructor tries answers in a real browser: the question page lists the worked examples
and grades a typed answer in place; the editor grades one against the unsaved draft."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from assessments.models import Question, QuestionVersion
from assessments.services.bank import question_bank_load
from coursepackages.layout import DEMO_BANK_DIR, DEMO_MODULE_FILE
from courses.services import module_import
from tests.course_staff import staff_of_every_course

from .conftest import PASSWORD, WAIT_MS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def bank(transactional_db: None) -> int:
    summary = module_import(
        source=DEMO_MODULE_FILE.read_bytes(),
        course_slug="docker-basics",
        source_name=DEMO_MODULE_FILE.name,
    )
    assert summary.module_id is not None
    question_bank_load(module_id=summary.module_id, directory=DEMO_BANK_DIR)
    return summary.module_id


@pytest.fixture
def desktop_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


@pytest.fixture
def author(transactional_db: None) -> Iterator[User]:
    """An instructor who is staff of the course (of every course the test builds)."""
    user = User.objects.create_user(
        email="ada@example.org", password=PASSWORD, display_name="Ada", role=Role.INSTRUCTOR
    )
    with staff_of_every_course(user):
        yield user


def test_an_instructor_tries_answers_on_the_question_page_and_in_the_editor(
    desktop_page: Page, live_server: LiveServer, bank: int, author: User
) -> None:
    page = desktop_page
    question = Question.objects.get(key="s7-exec-shell")
    versions = QuestionVersion.objects.count()
    # given the question page of a bank item with worked examples
    log_in(page, live_server, author, f"/authoring/questions/{question.pk}/")
    expect(page.locator("#examples-heading")).to_be_visible()
    expect(page.get_by_text("docker exec -i myapp sh").first).to_be_visible()

    # when the instructor grades a typed answer
    page.locator("#try-answer").fill("docker exec -i myapp sh")
    page.get_by_role("button", name="Grade this answer").click()

    # then the grade appears in place, with the item's feedback
    result = page.locator(".try-output .try-result")
    expect(result).to_contain_text("Earns 75%")
    expect(result).to_contain_text("without a terminal")
    assert page.url.endswith(f"/authoring/questions/{question.pk}/")

    # and in the editor, an answer is graded against the unsaved draft
    page.goto(f"{live_server.url}/authoring/questions/{question.pk}/edit/")
    spec = page.locator("#id_spec")
    spec.fill(
        spec.input_value().replace("docker exec -it myapp /bin/sh", "docker exec -it myapp ash")
    )
    page.locator("#try-answer").fill("docker exec -it myapp ash")
    page.locator("#try-answer-button").click()
    expect(page.locator("#try-answer-box .try-output")).to_contain_text("Earns 100%")
    assert QuestionVersion.objects.count() == versions
