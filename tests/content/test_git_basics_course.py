"""The second course, Git Basics, runs on the engine with no change to engine code.

Its package (content/git-basics/) is synced by the one course sync that syncs the Docker course
(`manage.py sync_course`), beside the Docker course; then a learner takes every section quiz and
the final exam through the learner REST API, passes, and is certified.
"""

import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, AssessmentKind, Attempt, Question
from certificates.models import Certificate, CertificateStatus
from coursepackages.api import demo_module_id
from courses.models import Course
from tests.content.git_basics import (
    BANK,
    COURSE,
    EXAM_SLUG,
    MODULE_SLUG,
    PACKAGE,
    PRACTICE_SLUG,
    PROGRAM,
    QUIZ_SLUGS,
    SECTION_SLUGS,
    full_credit_response,
    git_basics_module_id,
    git_basics_sync,
)

BANK_KEYS = [
    item["key"] for path in sorted(BANK.glob("*.yaml")) for item in yaml.safe_load(path.read_text())
]

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


def test_a_dry_run_shows_the_whole_course_and_writes_nothing() -> None:
    # when
    preview = git_basics_sync(dry_run=True)

    # then
    assert not preview.applied
    assert preview.diff.count("course", "created") == 1
    assert preview.diff.count("modules", "created") == 1
    assert preview.diff.count("questions", "created") == len(BANK_KEYS)
    assert sorted(preview.diff.names("assessments", "created")) == sorted(
        [*QUIZ_SLUGS, EXAM_SLUG, PRACTICE_SLUG]
    )
    assert preview.diff.names("certification programs", "created") == [PROGRAM["slug"]]
    assert not Course.objects.filter(slug=COURSE["slug"]).exists()


def test_the_package_syncs_beside_the_docker_course_and_a_second_sync_changes_nothing() -> None:
    # given the Docker course, synced first
    docker_module_id = demo_module_id()

    # when
    first = git_basics_sync()
    second = git_basics_sync()

    # then the Git course is a course of its own, with every part of its package
    assert first.applied
    assert first.diff.changed
    assert not second.diff.changed
    module = Course.objects.get(slug=COURSE["slug"]).modules.get()
    assert module.pk == git_basics_module_id() != docker_module_id
    assert [s.slug for s in module.sections.order_by("position")] == list(SECTION_SLUGS)
    assert module.objectives.count() == 4
    questions = Question.objects.filter(section__module=module)
    assert sorted(questions.values_list("key", flat=True)) == sorted(BANK_KEYS)
    assert len(set(questions.values_list("current_version__type", flat=True))) >= 5
    assessments = Assessment.objects.filter(module=module)
    assert sorted(assessments.values_list("slug", flat=True)) == sorted(
        [*QUIZ_SLUGS, EXAM_SLUG, PRACTICE_SLUG]
    )
    assert assessments.get(slug=EXAM_SLUG).kind == AssessmentKind.FINAL_EXAM
    assert module.certification_programs.get().slug == PROGRAM["slug"]
    # and the Docker course is left as it was
    assert not Question.objects.filter(section__module_id=docker_module_id, key__startswith="git-")
    assert second.diff.count("questions", "unchanged") == len(BANK_KEYS)


def test_the_course_reader_shows_the_module_and_every_section(client: Client) -> None:
    # given
    git_basics_sync()
    module_url = f"/{COURSE['slug']}/{MODULE_SLUG}/"

    # when
    overview = client.get(module_url)
    sections = [client.get(f"{module_url}{slug}/") for slug in SECTION_SLUGS]

    # then
    assert overview.status_code == 200
    assert COURSE["title"] in overview.content.decode()
    assert [page.status_code for page in sections] == [200] * len(SECTION_SLUGS)
    shown = [re.search(r'<h1 id="section-title">(.*?)</h1>', p.content.decode()) for p in sections]
    assert [match.group(1) if match else None for match in shown] == [
        "How Git Stores History",
        "Recording Changes",
        "Branching and Merging",
        "Working with Remotes",
    ]


def test_sync_course_prints_the_diff_and_a_second_run_prints_no_change() -> None:
    # when
    first, second = StringIO(), StringIO()
    call_command("sync_course", str(PACKAGE), stdout=first)
    call_command("sync_course", str(PACKAGE), stdout=second)

    # then
    assert f"questions: {len(BANK_KEYS)} created" in first.getvalue()
    assert "changes: yes" in first.getvalue()
    assert f"questions: {len(BANK_KEYS)} unchanged" in second.getvalue()
    assert "changes: none" in second.getvalue()


def test_a_learner_passes_every_quiz_and_the_exam_through_the_api_and_is_certified(
    learner: User,
    client_for: Callable[[User], APIClient],
    certificates_in_process: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the Docker course and the Git course, each synced from its package, and a learner
    demo_module_id()
    git_basics_sync()
    api = client_for(learner)

    # when they find the course's assessments in the learner API
    listed = api.get("/api/v1/assessments/", {"course": COURSE["slug"], "page_size": 50}).json()
    kinds = {item["slug"]: item["kind"] for item in listed["results"]}
    # and take each section quiz with the right answers
    quizzes = {slug: _take(api, slug) for slug, kind in kinds.items() if kind == "section_quiz"}
    # and the final exam, whose grading triggers the certificate evaluation
    with django_capture_on_commit_callbacks(execute=True):
        exam = _take(api, EXAM_SLUG)

    # then the API listed this course's quizzes, exam and practice, and nothing else
    assert kinds == {
        **dict.fromkeys(QUIZ_SLUGS, "section_quiz"),
        EXAM_SLUG: "final_exam",
        PRACTICE_SLUG: "practice",
    }
    # and every quiz and the exam are passed with full marks
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
    git_basics_sync()
    api = client_for(learner)
    attempt = api.post(f"/api/v1/assessments/{EXAM_SLUG}/attempts/").json()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/attempts/{attempt['id']}/submit/").json()

    # then
    assert (submitted["percent"], submitted["passed"]) == (0.0, False)
    assert not Certificate.objects.filter(learner=learner).exists()
    assert api.get("/api/v1/certificates/").json() == []
