"""The one robust after-commit enqueue: sent only after the commit, and a broker fault never
fails the request nor stops the transaction's other after-commit hooks."""

import logging
import time
from typing import Any

import pytest
from celery import Celery
from django.db import transaction
from kombu.exceptions import OperationalError

from quayside.enqueue import enqueue_after_commit, send_now

pytestmark = pytest.mark.django_db

# The publish retry policy allows ~1.5 s of tries; a hung request would take far longer.
BROKER_DOWN_ANSWER_SECONDS = 10


class RecordingTask:
    name = "tests.recording"

    def __init__(self, fault: Exception | None = None) -> None:
        self.fault = fault
        self.sent: list[tuple[int, ...]] = []

    def delay(self, *ids: int) -> None:
        if self.fault is not None:
            raise self.fault
        self.sent.append(ids)


def test_a_message_is_sent_only_once_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    task = RecordingTask()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_after_commit(task, 7, 8)  # type: ignore[arg-type]
        before_commit = list(task.sent)

    assert before_commit == []
    assert task.sent == [(7, 8)]


def test_a_broker_fault_is_logged_and_the_other_hooks_still_run(
    django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given: a broker that refuses, and another hook registered after the enqueue
    task = RecordingTask(OperationalError("Error 111 connecting to 127.0.0.1:6379"))
    later: list[str] = []

    # when
    with (
        caplog.at_level(logging.WARNING, logger="quayside.enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_after_commit(task, 42)  # type: ignore[arg-type]
        transaction.on_commit(lambda: later.append("ran"))

    # then
    assert later == ["ran"]
    assert "tests.recording(42,) not sent" in caplog.text
    assert "sweeper will resend" in caplog.text


def test_an_unreachable_redis_broker_is_reported_within_seconds() -> None:
    # given: the project's Celery settings, pointed at a port where nothing listens
    app = Celery("quayside-broker-down", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = "redis://127.0.0.1:9/0"

    @app.task(name="tests.noop")
    def noop(value: int) -> int:
        return value

    started = time.monotonic()

    # when
    sent = send_now(noop, 1)

    # then
    assert sent is False
    assert time.monotonic() - started < BROKER_DOWN_ANSWER_SECONDS
