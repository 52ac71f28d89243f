"""Every API route, walked from the URL resolver, as five people; each answer is checked.

The people: anonymous; a service account acting for its own learner but asking about a course
outside its scope; that learner; another learner; an instructor. Every object in the walk
belongs to the learner and lives in the course outside the service account's scope, so the
service account must be told "not found" (or "forbidden") wherever it is not plainly public,
and its lists must not mention any of it.

A route with no expectation below fails the test: a new endpoint is covered as soon as it exists.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    Provenance,
    Question,
    QuestionStatus,
)
from assessments.services.attempts import attempt_start
from assessments.services.questions import QuestionContent, question_create
from certificates.models import CertificationProgram
from certificates.services.issuance import certificate_issue_manual
from courses.models import Module, Section
from lms.services import service_account_create
from practicals.models import PracticalTask, PracticalTaskVersion, Submission, SubmissionKind
from tests.factories import CourseFactory, LearningObjectiveFactory, ModuleFactory, SectionFactory

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "service", "other", "learner", "instructor")
# Request bodies that would be valid, so scope and ownership answer rather than validation.
BODIES = {
    "api-attempt-answer": {"response": True},
    "api-attempt-answer-check": {"response": True},
}
OUT_MARKERS = ("out-quiz", "out-task", "out-program", "out-course")


@dataclass(frozen=True)
class Expect:
    """Acceptable statuses for each person; `lists` marks a list the service must not leak."""

    anonymous: frozenset[int]
    service: frozenset[int]
    other: frozenset[int]
    learner: frozenset[int]
    instructor: frozenset[int]
    lists: bool = False


def s(*codes: int) -> frozenset[int]:
    return frozenset(codes)


WRITE_OK = s(200, 201, 202, 204, 400, 409)
INSTRUCTOR_GET = Expect(s(401), s(403), s(403), s(403), s(200))
INSTRUCTOR_POST = Expect(s(401), s(403), s(403), s(403), WRITE_OK)
OWN_GET = Expect(s(401), s(404), s(404), s(200, 409), s(404))
OWN_WRITE = Expect(s(401), s(404), s(404), WRITE_OK, s(404))
CATALOGUE = Expect(s(401), s(404), s(200), s(200), s(200))
LIST = Expect(s(401), s(200), s(200), s(200), s(200), lists=True)
PUBLIC_GET = Expect(s(200), s(200), s(200), s(200), s(200))
PUBLIC_POST = Expect(s(400), s(400), s(400), s(400), s(400))
PROVISIONING = Expect(s(401), s(200), s(401), s(401), s(401))
PROVISIONING_WRITE = Expect(s(401), s(400, 404), s(401), s(401), s(401))
# A certificate: its owner within scope, or any instructor, may read it.
CERTIFICATE_GET = Expect(s(401), s(404), s(404), s(200), s(200))

EXPECTED: dict[tuple[str, str], Expect] = {
    ("courses_api:course_list", "GET"): LIST,
    ("courses_api:course_enrolments", "GET"): INSTRUCTOR_GET,
    ("courses_api:course_enrolments", "POST"): INSTRUCTOR_POST,
    ("courses_api:module_list", "GET"): CATALOGUE,
    ("courses_api:module_detail", "GET"): CATALOGUE,
    ("courses_api:section_list", "GET"): CATALOGUE,
    ("courses_api:section_detail", "GET"): CATALOGUE,
    ("api-question-list", "GET"): INSTRUCTOR_GET,
    ("api-question-list", "POST"): INSTRUCTOR_POST,
    # Without its file (multipart) or format parameter, the instructor is told what is missing.
    ("api-question-import", "POST"): Expect(s(401), s(403), s(403), s(403), s(415)),
    ("api-question-export", "GET"): Expect(s(401), s(403), s(403), s(403), s(400)),
    ("api-question-detail", "GET"): INSTRUCTOR_GET,
    ("api-question-detail", "PUT"): INSTRUCTOR_POST,
    ("api-question-versions", "GET"): INSTRUCTOR_GET,
    ("api-draft-approve", "POST"): INSTRUCTOR_POST,
    ("api-draft-reject", "POST"): INSTRUCTOR_POST,
    ("api-me", "GET"): Expect(s(401), s(200), s(200), s(200), s(200)),
    ("api-me-progress", "GET"): LIST,
    ("api-assessment-list", "GET"): LIST,
    ("api-assessment-detail", "GET"): CATALOGUE,
    ("api-assessment-statistics", "GET"): INSTRUCTOR_GET,
    ("api-assessment-statistics-csv", "GET"): INSTRUCTOR_GET,
    ("api-assessment-attempts", "GET"): Expect(s(401), s(404), s(200), s(200), s(200)),
    ("api-assessment-attempts", "POST"): Expect(s(401), s(404), WRITE_OK, WRITE_OK, WRITE_OK),
    ("api-attempt", "GET"): OWN_GET,
    ("api-attempt-answer", "PUT"): OWN_WRITE,
    ("api-attempt-answer-check", "POST"): OWN_WRITE,
    ("api-attempt-submit", "POST"): OWN_WRITE,
    ("api-attempt-result", "GET"): OWN_GET,
    ("api-assessment-results", "GET"): INSTRUCTOR_GET,
    ("api-assessment-results-csv", "GET"): INSTRUCTOR_GET,
    ("api-certificate-list", "GET"): LIST,
    ("api-certificate-detail", "GET"): CERTIFICATE_GET,
    ("api-certificate-credential", "GET"): CERTIFICATE_GET,
    ("api-certificate-pdf", "GET"): CERTIFICATE_GET,
    ("api-certificate-pdf-regenerate", "POST"): INSTRUCTOR_POST,
    ("api-certificate-revoke", "POST"): INSTRUCTOR_POST,
    ("api-certificate-reissue", "POST"): INSTRUCTOR_POST,
    ("api-certification-standing", "GET"): LIST,
    ("api-certification-programs", "GET"): INSTRUCTOR_GET,
    ("api-certification-program-certificates", "GET"): INSTRUCTOR_GET,
    ("api-certification-program-certificates", "POST"): INSTRUCTOR_POST,
    ("api-verify", "POST"): PUBLIC_POST,
    ("api-verify-code", "GET"): PUBLIC_GET,
    ("api-practical-tasks", "GET"): LIST,
    ("api-practical-task", "GET"): CATALOGUE,
    ("api-practical-task-starter", "GET"): CATALOGUE,
    ("api-practical-submit", "POST"): Expect(s(401), s(404), WRITE_OK, WRITE_OK, WRITE_OK),
    ("api-practical-submissions", "GET"): LIST,
    ("api-practical-submission", "GET"): OWN_GET,
    ("api-practical-submission-result", "GET"): OWN_GET,
    ("api-practical-task-submissions", "GET"): INSTRUCTOR_GET,
    ("api-practical-task-regrade", "POST"): INSTRUCTOR_POST,
    ("api-practical-submission-runs", "GET"): INSTRUCTOR_GET,
    ("api-practical-submission-regrade", "POST"): INSTRUCTOR_POST,
    ("api-lms-learners", "GET"): PROVISIONING,
    ("api-lms-learners", "POST"): PROVISIONING_WRITE,
    ("api-lms-learner", "PATCH"): PROVISIONING_WRITE,
    ("api-lms-results", "GET"): Expect(s(401), s(200), s(401), s(401), s(401), lists=True),
}


def api_routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Any]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield prefix + str(pattern.pattern), name, pattern

    for route, name, pattern in walk(get_resolver().url_patterns, "", None):
        if route.startswith("api/v1/"):
            yield name, pattern


def methods_of(pattern: URLPattern) -> list[str]:
    view = getattr(pattern.callback, "cls", None)
    return [m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)]


@pytest.fixture
def world(settings: Any, tmp_path: Path, learner: User, other_learner: User, instructor: User):
    """The learner's exam attempt, submission and certificate, all in a course out of scope."""
    settings.CERTIFICATE_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    in_course = CourseFactory(slug="in-course")
    ModuleFactory(course=in_course, slug="in-module")
    out_module = ModuleFactory(course=CourseFactory(slug="out-course"), slug="out-module")
    out_section = SectionFactory(module=out_module, position=1, slug="out-section")
    question = _exam_question(out_section)
    quiz = Assessment.objects.create(
        slug="out-quiz", title="Out quiz", kind=AssessmentKind.FINAL_EXAM, module=out_module
    )
    AssessmentSlot.objects.create(assessment=quiz, position=1, question=question)
    attempt = attempt_start(learner=learner, assessment=quiz)
    submission = _practical_submission(out_module, learner)
    program = CertificationProgram.objects.create(
        slug="out-program",
        title="Out program",
        module=out_module,
        description="Out.",
        final_exam_slug=quiz.slug,
    )
    certificate = certificate_issue_manual(
        program=program, learner=learner, instructor=instructor, reason="Walk."
    )
    token = service_account_create(
        name="Moodle", course_slugs=[in_course.slug], learner_emails=[learner.email]
    ).token
    kwargs = {
        "course_slug": "out-course",
        "module_slug": "out-module",
        "section_slug": "out-section",
        "question_id": question.pk,
        "attempt_id": attempt.pk,
        "position": 1,
        "code": certificate.display_code,
        "submission_id": submission.pk,
        "learner_id": other_learner.pk,
    }
    slugs = {"assessment": "out-quiz", "practical": "out-task", "certification": "out-program"}
    people = {
        "anonymous": APIClient(),
        "service": _client(f"Service {token}", learner.email),
        "other": _client(f"Token {Token.objects.create(user=other_learner).key}"),
        "learner": _client(f"Token {Token.objects.create(user=learner).key}"),
        "instructor": _client(f"Token {Token.objects.create(user=instructor).key}"),
    }
    return kwargs, slugs, people, certificate.display_code


def _exam_question(section: Section) -> Question:
    objective = LearningObjectiveFactory(module=section.module, position=1)
    return question_create(
        key="out-question",
        section_id=section.pk,
        content=QuestionContent(
            type="true_false",
            spec={"prompt": "Yes?", "answer": True, "feedback": "Section 1."},
            objective_ids=(objective.pk,),
        ),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
        exam_only=True,
    )


def _practical_submission(module: Module, learner: User) -> Submission:
    task = PracticalTask.objects.create(slug="out-task", title="Out task", module=module)
    version = PracticalTaskVersion.objects.create(
        task=task,
        number=1,
        instructions_markdown="Do it.",
        submission_kind=SubmissionKind.DOCKERFILE,
        allowed_base_images=["alpine:3.20"],
        rubric=[],
        spec_sha256="0" * 64,
    )
    task.current_version = version
    task.save(update_fields=["current_version"])
    return Submission.objects.create(
        task_version=version,
        learner=learner,
        attempt_number=1,
        kind=SubmissionKind.DOCKERFILE,
        file_name="Dockerfile",
        content=b"FROM alpine:3.20\n",
        sha256="1" * 64,
        size_bytes=17,
    )


def _client(authorization: str, on_behalf_of: str | None = None) -> APIClient:
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": authorization}
    if on_behalf_of:
        headers["HTTP_X_ON_BEHALF_OF"] = on_behalf_of
    client.credentials(**headers)
    return client


def _url(name: str, pattern: URLPattern, kwargs: dict[str, Any], slugs: dict[str, str]) -> str:
    wanted = dict(pattern.pattern.converters)
    values = {key: kwargs[key] for key in wanted if key != "slug"}
    if "slug" in wanted:
        kind = next((k for k in slugs if k in name), "assessment")
        values["slug"] = slugs[kind]
    return reverse(name, kwargs=values)


def test_every_api_route_answers_each_person_as_scope_and_ownership_say(world: Any) -> None:
    kwargs, slugs, people, code = world
    routes = [
        (name, pattern, method) for name, pattern in api_routes() for method in methods_of(pattern)
    ]
    unexpected = sorted({(name, method) for name, _, method in routes} - EXPECTED.keys())
    assert unexpected == [], f"routes without an expectation: {unexpected}"
    failures: list[str] = []
    for name, pattern, method in routes:
        expect = EXPECTED[(name, method)]
        url = _url(name, pattern, kwargs, slugs)
        for person in PEOPLE:
            body_sent = BODIES.get(name, {})
            response = getattr(people[person], method.lower())(url, body_sent, format="json")
            allowed = getattr(expect, person)
            if response.status_code not in allowed:
                failures.append(f"{method} {url} as {person}: {response.status_code}")
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            if person == "service" and expect.lists and response.status_code == 200:
                leaked = [m for m in (*OUT_MARKERS, code) if m in body]
                if leaked:
                    failures.append(f"{method} {url} as service leaks {leaked}")
            if response.status_code == 401 and person == "service":
                failures.append(f"{method} {url}: the service account was not recognised")
    assert failures == [], "\n".join(failures)
    assert json.dumps(sorted(EXPECTED)) != "[]"
