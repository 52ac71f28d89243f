"""Fixtures for the LTI tool: its own key folder, an independent platform, a browser."""

import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client

from accounts.models import User
from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    FeedbackPolicy,
    Provenance,
    QuestionStatus,
)
from assessments.services.questions import QuestionContent, question_create
from certificates import issuer
from certificates.models import CertificationProgram
from courses.models import Section
from quayside.celery import app as celery_app
from tests.factories import LearningObjectiveFactory, ModuleFactory, SectionFactory
from tests.lti.platform import FakePlatform, Form, PendingLaunch, PlatformServer

SITE_URL = "https://quayside.test"
ISSUER = "https://lms.example.edu"
CLIENT_ID = "quayside-client-1"
DEPLOYMENT_ID = "deployment-1"
EXAM_SLUG = "docker-final"
PROGRAM_SLUG = "docker-certified"


@pytest.fixture(autouse=True)
def lti_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.LTI_KEY_DIR = tmp_path / "lti-keys"
    settings.CERTIFICATE_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = SITE_URL
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    issuer._cached = None
    yield
    celery_app.conf.task_always_eager = eager
    issuer._cached = None


def tool_config() -> dict[str, Any]:
    out = io.StringIO()
    call_command("lti_tool_config", stdout=out)
    config: dict[str, Any] = json.loads(out.getvalue())
    return config


def tool_jwks() -> dict[str, Any]:
    keys: dict[str, Any] = Client().get("/lti/jwks.json", secure=True).json()
    return keys


@pytest.fixture
def platform(db: None) -> Iterator[FakePlatform]:
    """An independent LTI 1.3 platform, registered from `manage.py lti_tool_config`."""
    config = tool_config()
    server = PlatformServer(
        lambda base_url: FakePlatform(
            base_url=base_url,
            issuer=ISSUER,
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            tool=config,
            tool_jwks=tool_jwks,
        )
    )
    platform = server.platform
    call_command(
        "lti_register_platform",
        name="Example LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        deployment_id=[DEPLOYMENT_ID],
        auth_url=platform.url("/auth"),
        token_url=platform.url("/token"),
        jwks_url=platform.url("/jwks"),
        stdout=io.StringIO(),
    )
    yield platform
    server.close()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Browser:
    """A person's browser inside the LMS iframe: follows the LTI dance over HTTPS."""

    def __init__(self, platform: FakePlatform) -> None:
        self.platform = platform
        self.client = Client()
        self.last_form: Form | None = None

    def login(self, pending: PendingLaunch) -> Form:
        """OIDC login initiation, the cookie check, and the platform's authentication answer."""
        start = _path(self.platform.login_initiation(pending))
        check = self.client.get(start, secure=True)
        assert check.status_code == 200, check.content
        redirect = self.client.get(f"{start}&lti1p3_new_window=1", secure=True)
        assert redirect.status_code == 302, redirect.content
        query = dict(parse_qsl(urlsplit(redirect["Location"]).query))
        return self.platform.authenticate(query)

    def post(self, form: Form) -> HttpResponse:
        self.last_form = form
        response: HttpResponse = self.client.post(_path(form.action), form.fields, secure=True)
        return response

    def launch(self, pending: PendingLaunch) -> HttpResponse:
        return self.post(self.login(pending))

    def get(self, path: str) -> HttpResponse:
        response: HttpResponse = self.client.get(path, secure=True)
        return response

    def post_page(self, path: str, data: dict[str, str] | None = None) -> HttpResponse:
        response: HttpResponse = self.client.post(path, data or {}, secure=True)
        return response


@pytest.fixture
def browser(platform: FakePlatform) -> Callable[[], Browser]:
    return lambda: Browser(platform)


@pytest.fixture
def section(db: None) -> Section:
    return SectionFactory(module=ModuleFactory(), position=1)


@pytest.fixture
def final_exam(section: Section) -> Assessment:
    """Three true/false questions, 70% to pass, grades visible after submission."""
    objective = LearningObjectiveFactory(module=section.module, position=1)
    exam = Assessment.objects.create(
        slug=EXAM_SLUG,
        title="Docker final exam",
        kind=AssessmentKind.FINAL_EXAM,
        module=section.module,
        feedback_policy=FeedbackPolicy.AFTER_SUBMISSION,
        passing_percent=Decimal(70),
        shuffle_questions=False,
    )
    for position in range(1, 4):
        question = question_create(
            key=f"tf-{position}",
            section_id=section.pk,
            content=QuestionContent(
                type="true_false",
                spec={
                    "prompt": f"Statement {position}.",
                    "answer": True,
                    "feedback": "Section 1.",
                },
                objective_ids=(objective.pk,),
            ),
            provenance=Provenance.AUTHORED,
            status=QuestionStatus.READY,
            # A final exam shows only questions of its own pool, never seen in practice.
            exam_only=True,
        )
        AssessmentSlot.objects.create(assessment=exam, position=position, question=question)
    return exam


@pytest.fixture
def program(final_exam: Assessment) -> CertificationProgram:
    return CertificationProgram.objects.create(
        slug=PROGRAM_SLUG,
        title="Docker Certified",
        module=final_exam.module,
        description="Can build and run containers.",
        final_exam_slug=final_exam.slug,
    )


def lti_user(sub: str) -> User | None:
    return User.objects.filter(lti_users__sub=sub).first()
