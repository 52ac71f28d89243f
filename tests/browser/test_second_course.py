"""The second course, Git Basics, taken end to end in the portal with no change to engine code.

The package (content/git-basics/) is synced as `manage.py sync_course` syncs it; a learner logs in,
opens the course and reads a section, passes a section quiz and the final exam by answering in
the page, and finds the certificate on their certificates page.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from assessments.models import Attempt, AttemptQuestion, AttemptStatus
from assessments.question_types import instantiate, option_id
from certificates import issuer
from certificates.models import Certificate, CertificateStatus
from quayside.celery import app as celery_app
from tests.content.git_basics import (
    COURSE,
    EXAM_SLUG,
    PROGRAM,
    QUIZ_SLUGS,
    SECTION_SLUGS,
    git_basics_module_id,
    git_basics_sync,
)

from .conftest import log_in

pytestmark = pytest.mark.browser

FIRST_QUIZ = QUIZ_SLUGS[0]


@pytest.fixture
def git_course(transactional_db: None) -> int:
    git_basics_sync()
    return git_basics_module_id()


@pytest.fixture
def certificates_in_process(settings: Any, tmp_path: Path) -> Iterator[None]:
    """The certificate evaluation a graded exam triggers runs in this process (the live server
    is a thread of it), signed with a fresh key ring."""
    settings.CERTIFICATE_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    issuer._cached = None
    yield
    celery_app.conf.task_always_eager = eager
    issuer._cached = None


def _answer_rightly(page: Page, item: AttemptQuestion) -> None:
    """Answer in the page as a learner who knows the material (the key read from the database)."""
    question = page.locator(f"#question-{item.position}")
    field = f"q{item.position}"
    version = item.question_version
    variant, _ = instantiate(version.spec, item.seed)
    if version.type in {"single_choice", "multiple_response"}:
        for option in variant["options"]:
            if option["correct"]:
                question.locator(f'input[value="{option_id(str(option["text"]))}"]').check()
    elif version.type == "true_false":
        question.locator(f'input[value="{"true" if variant["answer"] else "false"}"]').check()
    elif version.type == "ordering":
        for place, text in enumerate(variant["items"], start=1):
            question.locator(f'select[name="{field}__place__{option_id(text)}"]').select_option(
                str(place)
            )
    elif version.type == "matching":
        for pair in variant["pairs"]:
            question.locator(
                f'select[name="{field}__match__{option_id(pair["left"])}"]'
            ).select_option(option_id(pair["right"]))
    elif version.type == "short_text":
        question.locator("input[type=text]").fill(str(variant["examples"]["accept"][0]))
    elif version.type == "numeric":
        value = next(a["value"] for a in variant["answers"] if a.get("fraction", 1) == 1)
        question.locator("input[type=text]").fill(f"{value:g}")
    else:
        raise AssertionError(f"the Git Basics course has no {version.type} questions")
    expect(question.locator(".question-state")).to_have_text("Saved")


def _take_from_the_dashboard(page: Page, live_server: LiveServer, slug: str) -> Attempt:
    page.goto(f"{live_server.url}/learn/")
    page.locator(f'a[href="/learn/assessments/{slug}/"]').first.click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/learn/attempts/\d+/$"))
    attempt = Attempt.objects.get(assessment__slug=slug)
    items = attempt.questions.select_related("question_version").order_by("position")
    for item in items:
        _answer_rightly(page, item)
    expect(page.locator(".attempt-progress")).to_have_text(f"{len(items)} of {len(items)} answered")
    page.get_by_role("button", name="Submit…").click()
    expect(page.get_by_role("heading", name="Submit your attempt?")).to_be_visible()
    page.get_by_role("button", name="Submit now").click()
    page.wait_for_url(re.compile(r"/result/$"))
    attempt.refresh_from_db()
    return attempt


def test_a_learner_takes_the_git_course_from_reading_to_certificate(
    phone_page: Page,
    live_server: LiveServer,
    git_course: int,
    browser_learner: User,
    certificates_in_process: None,
) -> None:
    page = phone_page
    # given a learner who logs in to the portal
    log_in(page, live_server, browser_learner, "/learn/")

    # when they open the course and read its first section
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=re.compile("Git Basics")).first.click()
    page.get_by_role("link", name=re.compile(r"^1\. How Git Stores History")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("How Git Stores History"))
    assert page.url.endswith(f"/{COURSE['slug']}/module-1-1/{SECTION_SLUGS[0]}/")

    # and take the first section quiz, answering every question in the page
    quiz = _take_from_the_dashboard(page, live_server, FIRST_QUIZ)

    # then the quiz is passed with full marks
    expect(page.locator("#score")).to_contain_text("Passed")
    assert (quiz.status, quiz.percent, quiz.passed) == (AttemptStatus.SUBMITTED, 100, True)

    # when they take the final exam the same way
    exam = _take_from_the_dashboard(page, live_server, EXAM_SLUG)

    # then the exam is passed, and the certificate waits on their certificates page
    expect(page.locator("#score")).to_contain_text("(100%) Passed")
    assert (exam.percent, exam.passed) == (100, True)
    page.goto(f"{live_server.url}/certificates/")
    expect(page.get_by_role("link", name=PROGRAM["title"])).to_be_visible()
    certificate = Certificate.objects.get(learner=browser_learner)
    assert certificate.program.slug == PROGRAM["slug"]
    assert certificate.status == CertificateStatus.ACTIVE
    page.get_by_role("link", name=PROGRAM["title"]).click()
    expect(page.locator("body")).to_contain_text(browser_learner.display_name)
