"""Grading over several Docker engines: each worker reports its own engine, a worker whose engine
is down claims nothing (the job goes to another engine, no attempt or claim counted), and
readiness and the admin show every engine."""

from datetime import timedelta
from typing import Any

import pytest
from celery.exceptions import Retry
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from practicals import grader_adapter, tasks
from practicals.engine_watch import EngineWatch
from practicals.models import PracticalTask, Submission, SubmissionStatus
from practicals.selectors import EngineState, engine_health_list
from practicals.services.engines import (
    EngineReport,
    engine_heartbeat_record,
    engine_heartbeat_stop,
)
from practicals.services.grading import GradeAction, submission_grade
from practicals.services.submissions import SubmittedFiles, submission_create
from tests.practicals.conftest import GOOD_DOCKERFILE, FakeGrader

pytestmark = pytest.mark.django_db

UNREACHABLE_ENGINE = "unix:///nonexistent/quayside-test-docker.sock"


@pytest.fixture
def submission(learner: User, task: PracticalTask, sent: list[int]) -> Submission:
    files = SubmittedFiles("Dockerfile", GOOD_DOCKERFILE.encode())
    return submission_create(learner=learner, task_slug=task.slug, files=files)


class EngineDownGrader(FakeGrader):
    def unavailable(self) -> str | None:
        return "unix:///var/run/docker.sock: connection refused"


class RecordingConsumer:
    """Stands in for Celery's consumer: records what the watch hands to its event loop."""

    def __init__(self) -> None:
        self.scheduled: list[tuple[str, str]] = []

    def call_soon(self, callback: Any, queue: str) -> None:
        self.scheduled.append((callback.__name__, queue))

    def add_task_queue(self, queue: str) -> None: ...

    def cancel_task_queue(self, queue: str) -> None: ...


def test_a_worker_whose_engine_is_down_claims_nothing_and_sends_the_job_back(
    submission: Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    down = EngineDownGrader()
    monkeypatch.setattr(grader_adapter, "GRADER", down)

    # when
    outcome = submission_grade(submission_id=submission.pk, worker="worker-a")
    with pytest.raises(Retry) as retry:
        tasks.grade_submission.apply(args=[submission.pk])

    # then: untouched, for a worker with a live engine
    assert outcome.action is GradeAction.ENGINE_UNAVAILABLE
    assert "connection refused" in outcome.detail
    assert retry.value.when == tasks.ENGINE_UNAVAILABLE_RETRY_SECONDS
    after = Submission.objects.get(pk=submission.pk)
    assert (after.status, after.claims, after.infrastructure_failures) == (
        SubmissionStatus.QUEUED,
        0,
        0,
    )
    assert down.calls == []


def test_the_real_grader_is_unavailable_when_its_engine_does_not_answer(settings: Any) -> None:
    settings.DOCKER_HOST = UNREACHABLE_ENGINE

    problem = grader_adapter.PipelineGrader().unavailable()

    assert problem is not None
    assert UNREACHABLE_ENGINE in problem


def test_the_watch_stops_consuming_while_its_engine_is_down_and_resumes_after(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a worker whose engine does not answer
    settings.DOCKER_HOST = UNREACHABLE_ENGINE
    consumer = RecordingConsumer()
    watch = EngineWatch(consumer, "grading1@host-a")

    # when
    watch.look()
    down = engine_health_list()

    # then
    assert consumer.scheduled == [("cancel_task_queue", "grading")]
    assert [(e.worker, e.state, e.consuming) for e in down] == [
        ("grading1@host-a", EngineState.DOWN, False)
    ]
    assert UNREACHABLE_ENGINE in down[0].detail

    # when: the engine answers again (the upkeep of a real engine is not this test's business)
    monkeypatch.setattr("practicals.engine_watch.grading_unavailable", lambda: None)
    monkeypatch.setattr(EngineWatch, "_inspect", lambda self, report: (report, None), raising=True)
    watch.look()

    # then
    assert consumer.scheduled[-1] == ("add_task_queue", "grading")
    assert engine_health_list()[0].state is EngineState.OK


def test_engines_that_stop_reporting_are_stale_and_stopped_workers_down(settings: Any) -> None:
    # given
    settings.GRADING_ENGINE_HEARTBEAT_SECONDS = 10
    now = timezone.now()
    for worker, seen in (("a@h1", now), ("b@h2", now - timedelta(minutes=5)), ("c@h3", now)):
        engine_heartbeat_record(
            worker=worker,
            report=EngineReport(docker_host=f"tcp://{worker[-2:]}:2376", healthy=True),
            now=seen,
        )
    engine_heartbeat_stop(worker="c@h3", now=now)

    # when
    states = {engine.worker: engine.state for engine in engine_health_list(now=now)}

    # then
    assert states == {"a@h1": EngineState.OK, "b@h2": EngineState.STALE, "c@h3": EngineState.DOWN}


def test_readiness_lists_every_engine_and_is_ready_while_one_answers(client: Client) -> None:
    # given
    engine_heartbeat_record(worker="a@h1", report=EngineReport("tcp://h1:2376", healthy=True))
    engine_heartbeat_record(
        worker="b@h2", report=EngineReport("tcp://h2:2376", healthy=False, detail="refused")
    )

    # when
    ready = client.get("/readyz")
    engine_heartbeat_record(
        worker="a@h1", report=EngineReport("tcp://h1:2376", healthy=False, detail="refused")
    )
    unready = client.get("/readyz")

    # then
    assert ready.status_code == 200
    listed = ready.json()["checks"]["grading_engines"]["engines"]
    assert [(engine["worker"], engine["status"]) for engine in listed] == [
        ("a@h1", "ok"),
        ("b@h2", "down"),
    ]
    assert "tcp://" not in ready.content.decode()  # addresses and errors stay in the admin
    assert unready.status_code == 503
    assert unready.json()["checks"]["grading_engines"]["status"] == "unavailable"


def test_the_admin_shows_each_engine_with_its_health(client: Client) -> None:
    # given
    admin = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    admin.role = Role.ADMIN
    engine_heartbeat_record(
        worker="b@h2",
        report=EngineReport("tcp://h2:2376", healthy=False, detail="connection refused"),
    )
    client.force_login(admin)

    # when
    page = client.get("/admin/practicals/engineheartbeat/")

    # then
    assert page.status_code == 200
    assert "b@h2" in page.content.decode()
    assert "down: connection refused" in page.content.decode()
