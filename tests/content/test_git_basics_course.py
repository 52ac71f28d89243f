"""The second course, Git Basics, runs on the engine with no change to engine code.

Its package (content/git-basics/) is loaded through the engine's loaders, then a learner takes
every section quiz and the final exam through the learner REST API, passes, and is certified.
"""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, AssessmentKind, Attempt, Question
from certificates.models import Certificate, CertificateStatus
from courses.models import Course
from tests.content.git_basics import (
    COURSE,
    EXAM_SLUG,
    PRACTICE_SLUG,
    PROGRAM,
    QUIZ_SLUGS,
    SECTION_SLUGS,
    full_credit_response,
    git_basics_load,
)

pytestmark = pytest.mark.django_db


def _take(api: APIClient, slug: str) -> dict[str, Any]:
    """Start an attempt, answer every drawn question with full credit, submit; the submit body."""
    started = api.post(f"/api/v1/assessments/{slug}/attempts/")
    assert started.status_code == 201, started.json()
    attempt_id = started.json()["id"]
    drawn = Attempt.objects.get(pk=attempt_id).questions.select_related("question_version")
    for item in drawn.order_by("position"):
        version = item.question_version
        response = full_credit_response(version.type, version.spec, item.seed)
        saved = api.put(
            f"/api/v1/attempts/{attempt_id}/answers/{item.position}/",
            {"response": response},
            format="json",
        )
        assert saved.status_code == 200, (version.question.key, saved.json())
    submitted = api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    assert submitted.status_code == 200, submitted.json()
    return dict(submitted.json())


def test_the_package_loads_into_a_course_of_its_own_and_a_second_load_changes_nothing() -> None:
    # when
    first = git_basics_load()
    second = git_basics_load()

    # then
    course = Course.objects.get(slug=COURSE["slug"])
    module = course.modules.get()
    assert first.changed
    assert not second.changed
    assert second.module_id == first.module_id == module.pk
    assert [s.slug for s in module.sections.order_by("position")] == list(SECTION_SLUGS)
    assert module.objectives.count() == 4
    questions = Question.objects.filter(section__module=module)
    assert questions.count() >= 30
    assert len(set(questions.values_list("current_version__type", flat=True))) >= 5
    assessments = Assessment.objects.filter(module=module)
    assert sorted(assessments.values_list("slug", flat=True)) == sorted(
        [*QUIZ_SLUGS, EXAM_SLUG, PRACTICE_SLUG]
    )
    assert assessments.get(slug=EXAM_SLUG).kind == AssessmentKind.FINAL_EXAM
    assert module.certification_programs.get().slug == PROGRAM["slug"]


def test_a_learner_passes_every_quiz_and_the_exam_through_the_api_and_is_certified(
    learner: User,
    client_for: Callable[[User], APIClient],
    certificates_in_process: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the course, loaded from its package, and a learner with an API token
    git_basics_load()
    api = client_for(learner)

    # when they take each section quiz with the right answers
    quizzes = {slug: _take(api, slug) for slug in QUIZ_SLUGS}
    # and the final exam, whose grading triggers the certificate evaluation
    with django_capture_on_commit_callbacks(execute=True):
        exam = _take(api, EXAM_SLUG)

    # then every quiz and the exam are passed with full marks
    assert {slug: (r["percent"], r["passed"]) for slug, r in quizzes.items()} == dict.fromkeys(
        QUIZ_SLUGS, (100.0, True)
    )
    assert (exam["percent"], exam["passed"]) == (100.0, True)
    # the exam drew only from the exam pool, and no quiz drew from it
    attempts = Attempt.objects.filter(learner=learner).prefetch_related(
        "questions__question_version__question"
    )
    for attempt in attempts:
        pool = {item.question_version.question.exam_only for item in attempt.questions.all()}
        assert pool == {attempt.assessment.slug == EXAM_SLUG}, attempt.assessment.slug
    # and the learner holds the program's certificate, listed by the API
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.program.slug == PROGRAM["slug"]
    assert certificate.status == CertificateStatus.ACTIVE
    listed = api.get("/api/v1/certificates/")
    assert [(c["program"], c["status"]) for c in listed.json()] == [(PROGRAM["slug"], "active")]
    standing = api.get("/api/v1/certification/standing/").json()
    git = next(s for s in standing if s["program"] == PROGRAM["slug"])
    assert git["eligible"] is True
    assert git["active_certificate"] == certificate.display_code


def test_wrong_answers_fail_the_exam_and_earn_no_certificate(
    learner: User,
    client_for: Callable[[User], APIClient],
    certificates_in_process: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the course and a learner who submits the exam without answering
    git_basics_load()
    api = client_for(learner)
    attempt = api.post(f"/api/v1/assessments/{EXAM_SLUG}/attempts/").json()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/attempts/{attempt['id']}/submit/").json()

    # then
    assert (submitted["percent"], submitted["passed"]) == (0.0, False)
    assert not Certificate.objects.filter(learner=learner).exists()
    assert api.get("/api/v1/certificates/").json() == []
