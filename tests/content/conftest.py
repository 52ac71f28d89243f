"""Fixtures for the course-package tests: API clients, certificates issued in process."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from certificates import issuer
from quayside.celery import app as celery_app


@pytest.fixture
def certificates_in_process(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Evaluations and PDFs run in this process (Celery eager), signed with a fresh key ring."""
    settings.CERTIFICATE_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    issuer._cached = None
    yield
    celery_app.conf.task_always_eager = eager
    issuer._cached = None


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    """An API client authenticated with the user's token, as an LMS or a script calls the API."""

    def make(user: User) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
