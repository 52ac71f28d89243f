"""Each practicals rule has one home, and every channel shows what it decides: which submissions
use up an attempt (SubmissionQuerySet.counting_as_attempts), a task's maximum points
(PracticalTaskVersion.max_points) and what a learner sees of a grading run (run_for_learner).
Each is checked through the portal page and the learner API, not the function alone."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from courses.models import Module
from practicals.grader_adapter import task_spec_for_version
from practicals.models import GradingRun, PracticalTask, Submission, Verdict
from practicals.services.grading import submission_grade
from practicals.services.practical_tasks import practical_task_load
from practicals.task_definitions import task_definition_read
from tests.practicals.conftest import (
    GOOD_DOCKERFILE,
    SECTION_SLUGS,
    TASK_SLUG,
    FakeGrader,
    failing_result,
    write_task,
)

BASE = "/api/v1/practicals"
EVIDENCE_MARKER = "evidence-only-for-instructors-5f1c"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _portal(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submit(learner: User, task: PracticalTask) -> tuple[int, dict[str, object]]:
    response = _api(learner).post(
        f"{BASE}/tasks/{task.slug}/submissions/", {"text": GOOD_DOCKERFILE}, format="json"
    )
    return response.status_code, response.json()


def _load(course_module: Module, root: Path, **overrides: object) -> PracticalTask:
    write_task(root, **overrides)
    practical_task_load(
        definition=task_definition_read(root / TASK_SLUG), module_id=course_module.pk
    )
    return PracticalTask.objects.select_related("current_version").get(slug=TASK_SLUG)


def test_an_error_run_uses_no_attempt_on_the_page_in_the_api_and_at_the_limit(
    learner: User, course_module: Module, tmp_path: Path, fake_grader: FakeGrader, sent: list[int]
):
    # given a task with one attempt, and a first submission whose grading failed on our side
    task = _load(course_module, tmp_path, max_attempts=1)
    status, first = _submit(learner, task)
    assert status == 202
    fake_grader.faults = [RuntimeError("engine unreachable")]
    with pytest.raises(RuntimeError):
        submission_grade(submission_id=int(str(first["id"])), worker="worker-a")
    assert Submission.objects.get(pk=first["id"]).verdict == Verdict.ERROR

    # then no channel counts it
    detail = _api(learner).get(f"{BASE}/tasks/{task.slug}/").json()
    page = _portal(learner).get(reverse("practicals:task", args=[task.slug])).content.decode()
    assert detail["attempts_used"] == 0
    assert "0 of 1 used" in page

    # and the learner may submit again; that one counts, so the limit then refuses
    status, second = _submit(learner, task)
    assert status == 202
    submission_grade(submission_id=int(str(second["id"])), worker="worker-a")
    assert _api(learner).get(f"{BASE}/tasks/{task.slug}/").json()["attempts_used"] == 1
    status, refused = _submit(learner, task)
    assert (status, refused["code"]) == (409, "no_attempts_left")


def test_the_maximum_points_are_an_exact_decimal_sum_on_every_channel(
    learner: User, course_module: Module, tmp_path: Path
):
    # given points whose float sum drifts (0.1 + 0.2 == 0.30000000000000004)
    rubric = [
        {"check": "build-succeeds", "points": 0.1, "section": SECTION_SLUGS[0]},
        {"check": "image-user-not-root", "points": 0.2, "section": SECTION_SLUGS[1]},
    ]
    task = _load(course_module, tmp_path, rubric=rubric)

    # when it is read on each channel
    listing = _api(learner).get(f"{BASE}/tasks/").json()["results"]
    detail = _api(learner).get(f"{BASE}/tasks/{task.slug}/").json()
    page = _portal(learner).get(reverse("practicals:task", args=[task.slug])).content.decode()

    # then each shows the one exact sum
    assert task.current_version.max_points == Decimal("0.3")
    assert [item["max_points"] for item in listing] == [0.3]
    assert detail["max_points"] == 0.3
    assert "of 0.30 points" in page


def test_a_run_reads_the_same_on_the_page_and_in_the_api_without_evidence(
    learner: User, task: PracticalTask, fake_grader: FakeGrader, sent: list[int]
):
    # given a failed run whose checks carry evidence for instructors
    result = failing_result(task_spec_for_version(task.current_version))
    checks = tuple(
        dataclasses.replace(check, evidence={"detail": EVIDENCE_MARKER}) for check in result.checks
    )
    fake_grader.result = dataclasses.replace(result, checks=checks)
    _, submitted = _submit(learner, task)
    submission_id = int(str(submitted["id"]))
    submission_grade(submission_id=submission_id, worker="worker-a")

    # when the learner reads it
    api_result = _api(learner).get(f"{BASE}/submissions/{submission_id}/result/").json()
    page = (
        _portal(learner)
        .get(reverse("practicals:submission", args=[submission_id]))
        .content.decode()
    )

    # then both show the same checks, messages and points, and neither the evidence
    run = GradingRun.objects.get(submission_id=submission_id)
    assert [check["id"] for check in api_result["checks"]] == [
        "build-succeeds",
        "image-user-not-root",
    ]
    assert [check["passed"] for check in api_result["checks"]] == [True, False]
    assert (api_result["score"], api_result["max_score"]) == (4.0, 10.0)
    assert "4 of 10 points" in page
    for check in api_result["checks"]:
        assert f"<code>{check['id']}</code>" in page
        assert str(check["message"]) in page
    assert f"Section 4: {SECTION_SLUGS[1].title()}" in page
    assert EVIDENCE_MARKER in str(run.checks.first().evidence)  # type: ignore[union-attr]
    assert EVIDENCE_MARKER not in page
    assert EVIDENCE_MARKER not in str(api_result)
