"""A learner takes quizzes in a real browser: autosave, score, sections to review, the timer."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from assessments.models import Assessment, Attempt, AttemptQuestion, AttemptStatus, FinalisedBy
from assessments.question_types import instantiate, option_id

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SECTION_QUIZ = "quiz-understanding-containers-vs-virtual-machines"
SECTION_TITLE = "Understanding Containers vs Virtual Machines"


def _answer_wrongly(page: Page, item: AttemptQuestion) -> None:
    """Give a wrong answer (the test reads the key from the database), so the score is low."""
    question = page.locator(f"#question-{item.position}")
    version = item.question_version
    variant, _ = instantiate(version.spec, item.seed)
    if version.type in {"single_choice", "multiple_response"}:
        wrong = next(option for option in variant["options"] if not option.get("correct"))
        question.locator(f'input[value="{option_id(str(wrong["text"]))}"]').check()
    elif version.type == "true_false":
        question.locator(f'input[value="{"false" if variant["answer"] else "true"}"]').check()
    elif version.type in {"ordering", "matching"}:
        # Distinct places or choices, in display order: a valid answer, right only by chance.
        for index, select in enumerate(question.locator("select").all(), start=1):
            select.select_option(index=index)
    else:
        wrong_text = "-12345" if version.type == "numeric" else "no idea at all"
        question.locator("input[type=text], textarea").first.fill(wrong_text)
    expect(question.locator(".question-state")).to_have_text("Saved")


def _start(page: Page, slug: str) -> Attempt:
    page.get_by_role("link", name=re.compile("Quiz|quiz")).first.wait_for()
    page.locator(f'a[href="/learn/assessments/{slug}/"]').first.click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/learn/attempts/\d+/$"))
    return Attempt.objects.get(assessment__slug=slug)


def test_a_learner_takes_a_section_quiz_and_sees_score_and_sections_to_review(
    phone_page: Page, live_server: LiveServer, demo_course: int, browser_learner: User
) -> None:
    page = phone_page
    # given a learner who logs in to the portal
    log_in(page, live_server, browser_learner, "/learn/")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()

    # when they start the section quiz and answer every question (autosaved as they go)
    attempt = _start(page, SECTION_QUIZ)
    items = list(attempt.questions.select_related("question_version").order_by("position"))
    for item in items:
        _answer_wrongly(page, item)
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    expect(page.locator(".attempt-progress")).to_have_text(f"{len(items)} of {len(items)} answered")
    assert all(item.response is not None for item in attempt.questions.all())

    # and submit, confirming
    page.get_by_role("button", name="Submit…").click()
    expect(page.get_by_role("heading", name="Submit your attempt?")).to_be_visible()
    page.get_by_role("button", name="Submit now").click()

    # then they see their score and the section to review, which opens in the course reader
    expect(page.locator("#score")).to_contain_text("Not passed")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    shown = re.search(r"\(([\d.]+)%\)", page.locator("#score").inner_text())
    assert shown is not None
    assert float(shown.group(1)) == float(attempt.percent or 0) < 70
    review = page.get_by_role("region", name="Sections to review")
    review.get_by_role("link", name=re.compile(SECTION_TITLE)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(SECTION_TITLE))


def _timed_quiz(seconds: int) -> Assessment:
    quiz = Assessment.objects.get(slug=SECTION_QUIZ)
    quiz.time_limit_seconds = seconds
    quiz.save(update_fields=["time_limit_seconds"])
    return quiz


def test_when_the_time_runs_out_the_server_submits_the_attempt(
    phone_page: Page, live_server: LiveServer, demo_course: int, browser_learner: User
) -> None:
    page = phone_page
    # given a learner in a quiz with a short time limit, one answer saved
    _timed_quiz(seconds=6)
    log_in(page, live_server, browser_learner, "/learn/")
    attempt = _start(page, SECTION_QUIZ)
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0[0-6]$"))
    first = attempt.questions.select_related("question_version").get(position=1)
    _answer_wrongly(page, first)

    # when the countdown reaches zero, the page waits for the server to submit
    page.wait_for_url(re.compile(r"/result/$"), timeout=20_000)

    # then the result says the server submitted it, with the answer saved in time
    expect(page.locator("#finalised-by-server")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.finalised_by == FinalisedBy.DEADLINE
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.questions.get(position=1).response is not None


def test_an_answer_sent_after_the_deadline_is_refused_with_the_servers_reason(
    phone_page: Page, live_server: LiveServer, demo_course: int, browser_learner: User
) -> None:
    page = phone_page
    # given a learner whose page clock has stopped (a sleeping laptop, a wrong clock)
    _timed_quiz(seconds=5)
    page.clock.install()
    log_in(page, live_server, browser_learner, "/learn/")
    attempt = _start(page, SECTION_QUIZ)
    page.clock.pause_at(timezone.now() + timedelta(seconds=1))
    assert attempt.deadline_at is not None

    # when the server's deadline passes and the learner then answers
    time.sleep(max(0.0, (attempt.deadline_at - timezone.now()).total_seconds()) + 0.5)
    first = attempt.questions.select_related("question_version").get(position=1)
    question = page.locator("#question-1")
    question.locator("input, select, textarea").first.focus()
    if first.question_version.type in {"ordering", "matching"}:
        question.locator("select").first.select_option(index=1)
    elif first.question_version.type in {"single_choice", "multiple_response", "true_false"}:
        question.locator("input").first.check()
    else:
        question.locator("input[type=text], textarea").first.fill("too late")
        question.locator("input[type=text], textarea").first.blur()

    # then the page shows the server's refusal, and the server submitted without that answer
    status = page.locator("#save-status")
    expect(status).to_contain_text("Not saved: The time limit has passed")
    expect(question.locator("input, select, textarea").first).to_be_disabled()
    attempt.refresh_from_db()
    assert attempt.finalised_by == FinalisedBy.DEADLINE
    assert attempt.questions.get(position=1).response is None
    status.get_by_role("link", name="See your result").click()
    expect(page.locator("#finalised-by-server")).to_be_visible()


PRACTICE = "docker-basics-practice"


def test_checking_a_practice_answer_shows_its_feedback_and_locks_it(
    phone_page: Page, live_server: LiveServer, demo_course: int, browser_learner: User
) -> None:
    page = phone_page
    # given a learner on the first question of the practice, answered
    log_in(page, live_server, browser_learner, f"/learn/assessments/{PRACTICE}/")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/learn/attempts/\d+/"))
    attempt = Attempt.objects.get(assessment__slug=PRACTICE)
    first = attempt.questions.select_related("question_version").get(position=1)
    _answer_wrongly(page, first)
    question = page.locator("#question-1")

    # when they check it
    question.get_by_role("button", name=re.compile("^Check")).click()

    # then the feedback appears under it, and the answer is locked on the page and the server
    expect(question.locator(".item-feedback")).to_contain_text("Incorrect")
    expect(question.locator(".question-state")).to_have_text(
        "Checked: this answer is graded and locked"
    )
    expect(question.locator("input").first).to_be_disabled()
    expect(question.get_by_role("button", name=re.compile("^Check"))).to_have_count(0)
    first.refresh_from_db()
    assert first.checked_at is not None
    assert first.fraction == 0.0
