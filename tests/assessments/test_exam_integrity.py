"""The exam pool: its questions are drawn by the final exam only and shown nowhere else, through
every channel (attempt_start, the portal's pages, the learner API, an LMS service account); the
exam's own review shows the score and the sections, not which question earned what."""

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, AssessmentKind, Attempt, Question
from assessments.services.attempts import attempt_start, attempt_submit
from assessments.services.questions import question_exam_pool_set
from courses import api as courses_api
from lms.services import service_account_create
from tests.factories import UserFactory

EXAM_SLUG = "docker-basics-final-exam"
PRACTICE_SLUG = "docker-basics-practice"
STARTS_PER_ASSESSMENT = 6
COURSE_SLUG = "docker-basics"


def some_answer(item: dict[str, Any]) -> object:
    """A well-formed (not necessarily right) answer from what the learner sees."""
    view, kind = item["view"], item["type"]
    if kind == "single_choice":
        return view["options"][0]["id"]
    if kind == "multiple_response":
        return [view["options"][0]["id"]]
    if kind == "true_false":
        return True
    if kind == "numeric":
        return 3
    if kind == "ordering":
        return [entry["id"] for entry in view["items"]]
    if kind == "matching":
        return {view["lefts"][0]["id"]: view["choices"][0]["id"]}
    if kind == "dockerfile":
        return view.get("starter") or "FROM alpine:3.20\n"
    return "docker ps"


def api_for(learner: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=learner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def portal_for(learner: User) -> Client:
    client = Client()
    client.force_login(learner)
    return client


def exam_pool_prompts() -> list[str]:
    prompts = Question.objects.filter(exam_only=True).values_list(
        "current_version__spec__prompt", flat=True
    )
    return [str(prompt) for prompt in prompts]


def shown_prompts(payload: Any) -> list[str]:
    """Every `prompt` in an API payload."""
    if isinstance(payload, dict):
        found = [str(payload["prompt"])] if "prompt" in payload else []
        return found + [p for value in payload.values() for p in shown_prompts(value)]
    if isinstance(payload, list):
        return [p for value in payload for p in shown_prompts(value)]
    return []


def take_through_the_api(api: APIClient, slug: str) -> list[Any]:
    """Start, answer every question (checking each under immediate feedback), submit: every
    payload the learner received on the way."""
    started = api.post(f"/api/v1/assessments/{slug}/attempts/")
    assert started.status_code == 201, started.json()
    attempt = started.json()
    url = f"/api/v1/attempts/{attempt['id']}/"
    payloads = [attempt]
    for item in attempt["items"]:
        answer = {"response": some_answer(item)}
        saved = api.put(f"{url}answers/{item['position']}/", answer, format="json")
        payloads.append(saved.json())
        if attempt["feedback_policy"] == "immediate":
            checked = api.post(f"{url}answers/{item['position']}/check/", answer, format="json")
            assert checked.status_code == 200, checked.json()
            payloads.append(checked.json())
    payloads += [api.get(url).json(), api.post(f"{url}submit/").json()]
    payloads.append(api.get(f"{url}result/").json())
    return payloads


def test_no_quiz_or_practice_ever_starts_with_an_exam_pool_question(
    docker_catalogue: int,
) -> None:
    exam_pool = set(Question.objects.filter(exam_only=True).values_list("pk", flat=True))
    learners = [UserFactory() for _ in range(STARTS_PER_ASSESSMENT)]
    drawn: dict[str, set[int]] = {}

    for assessment in Assessment.objects.exclude(kind=AssessmentKind.FINAL_EXAM):
        for learner in learners:
            attempt = attempt_start(learner=learner, assessment=assessment)
            drawn.setdefault(assessment.slug, set()).update(
                attempt.questions.values_list("question_version__question_id", flat=True)
            )

    assert len(drawn) == 8  # seven section quizzes and the practice
    assert all(questions and not questions & exam_pool for questions in drawn.values())


def test_the_exam_draws_from_the_exam_pool_only(docker_catalogue: int, learner: User) -> None:
    exam = Assessment.objects.get(slug=EXAM_SLUG)

    attempt = attempt_start(learner=learner, assessment=exam)

    pools = attempt.questions.values_list("question_version__question__exam_only", flat=True)
    assert set(pools) == {True}


def test_no_review_page_or_api_response_shows_an_exam_pool_question(
    docker_catalogue: int, learner: User
) -> None:
    # given a learner who takes every quiz and the practice through the API
    api, portal = api_for(learner), portal_for(learner)
    payloads: list[Any] = []
    for assessment in Assessment.objects.exclude(kind=AssessmentKind.FINAL_EXAM):
        payloads += take_through_the_api(api, assessment.slug)

    # when they read every attempt and review in the portal
    pages = [portal.get("/learn/").content.decode()]
    for attempt in Attempt.objects.filter(learner=learner):
        pages.append(portal.get(f"/learn/attempts/{attempt.pk}/result/").content.decode())
        pages.append(portal.get(f"/learn/assessments/{attempt.assessment.slug}/").content.decode())

    # then no exam-pool prompt appears anywhere
    secret = exam_pool_prompts()
    assert len(secret) == 41
    assert not set(shown_prompts(payloads)) & set(secret)
    rendered = [courses_api.markdown_render(prompt) for prompt in secret]
    assert not [html for html in rendered if any(html in page for page in pages)]
    assert len(pages) == 1 + 2 * 8


@pytest.fixture
def practice_attempt(docker_catalogue: int, learner: User) -> tuple[Attempt, Question]:
    """A submitted practice attempt, and one of its questions moved to the exam pool since."""
    practice = Assessment.objects.get(slug=PRACTICE_SLUG)
    attempt = attempt_start(learner=learner, assessment=practice)
    moved = attempt.questions.get(position=1).question_version.question
    question_exam_pool_set(question=moved, exam_only=True)
    return attempt, moved


def test_a_question_moved_to_the_exam_pool_is_withdrawn_from_earlier_reviews(
    practice_attempt: tuple[Attempt, Question], learner: User
) -> None:
    # given a practice attempt whose first question has joined the exam pool
    attempt, moved = practice_attempt
    prompt = str(moved.current_version.spec["prompt"])  # type: ignore[union-attr]
    service = service_account_create(
        name="Moodle", course_slugs=[COURSE_SLUG], learner_emails=[learner.email]
    )
    lms = APIClient()
    lms.credentials(
        HTTP_AUTHORIZATION=f"Service {service.token}", HTTP_X_ON_BEHALF_OF=learner.email
    )
    url = f"/api/v1/attempts/{attempt.pk}/"

    # when the learner answers it, the attempt is read and then reviewed through every channel
    refused = api_for(learner).put(f"{url}answers/1/", {"response": "x"}, format="json")
    refused_check = lms.post(f"{url}answers/1/check/", {"response": "x"}, format="json")
    during = [api_for(learner).get(url).json(), lms.get(url).json()]
    page = portal_for(learner).get(f"/learn/attempts/{attempt.pk}/?q=1").content.decode()
    attempt_submit(attempt=attempt)
    after = [api_for(learner).get(f"{url}result/").json(), lms.get(f"{url}result/").json()]
    review = portal_for(learner).get(f"/learn/attempts/{attempt.pk}/result/").content.decode()

    # then it is refused and shown nowhere, each read saying why
    assert refused.status_code == refused_check.status_code == 409
    assert refused.json()["code"] == refused_check.json()["code"] == "question_withdrawn"
    for payload in during + after:
        first = payload["items"][0]
        assert first["withheld"] is True
        assert prompt not in shown_prompts(payload)
        assert (first["response"], first["fraction"], first["feedback"]) == (None, None, None)
        assert "final exam" in first["view"]["prompt"]
    for html in (page, review):
        assert courses_api.markdown_render(prompt) not in html
        assert "moved to the final exam" in html


def test_the_exams_review_shows_the_score_and_sections_but_no_question_grades(
    docker_catalogue: int, learner: User
) -> None:
    # given a submitted exam attempt
    api = api_for(learner)
    payloads = take_through_the_api(api, EXAM_SLUG)
    attempt = Attempt.objects.get(learner=learner)

    # when the learner reviews it
    result = payloads[-1]
    page = portal_for(learner).get(f"/learn/attempts/{attempt.pk}/result/").content.decode()

    # then the score is there, each question's grade and feedback are not
    assert result["grades_visible"] is True
    assert result["percent"] is not None
    assert all(
        (item["fraction"], item["points"], item["feedback"], item["general_feedback"])
        == (None, None, None, None)
        for item in result["items"]
    )
    assert "item-feedback" not in page
    assert "Correct</span>" not in page
    assert "Points per section" in page
    assert "Section 2: Docker Architecture" in page
    assert "item-grades-hidden" in page


def test_the_exam_pool_is_for_staff_only_in_authoring(
    docker_catalogue: int, learner: User, instructor: User
) -> None:
    question = Question.objects.filter(exam_only=True).first()
    assert question is not None
    urls = [f"/authoring/questions/{question.pk}/", "/authoring/"]

    as_learner = [portal_for(learner).get(url) for url in urls]
    api_as_learner = api_for(learner).get(f"/api/v1/authoring/questions/{question.pk}/")
    as_instructor = portal_for(instructor).get(urls[0])

    assert all(response.status_code in (302, 403) for response in as_learner)
    assert api_as_learner.status_code == 403
    assert as_instructor.status_code == 200
    assert "Yes: only the final exam draws it" in as_instructor.content.decode()
