import io
import json
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.core.management import call_command

from accounts.models import User
from graders.errors import InfrastructureError
from practicals import tasks
from practicals.models import GradingRun, PracticalTask, Submission, SubmissionStatus
from practicals.services.submissions import SubmittedFiles, submission_create
from tests.practicals.conftest import GOOD_DOCKERFILE, TASK_SLUG, FakeGrader


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("practicals.grade_submission", "grading"),
        ("practicals.remove_grading_leftovers", "grading"),
        ("practicals.sweep_stuck_submissions", "default"),
        ("assessments.finalise_expired_attempts", "default"),
        ("certificates.evaluate_learner", "certificates"),
        ("certificates.render_pdf", "certificates"),
    ],
)
def test_each_task_is_routed_to_its_queue(task_name: str, queue: str) -> None:
    app = tasks.grade_submission.app

    route = app.amqp.router.route({}, task_name)

    assert route["queue"].name == queue


def test_the_grading_task_has_time_limits_and_late_acks():
    task = tasks.grade_submission

    assert task.soft_time_limit < task.time_limit
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True


def test_the_task_retries_an_infrastructure_fault_then_stores_one_run(
    learner: User, task: PracticalTask, sent: list[int], fake_grader: FakeGrader
):
    submission = submission_create(
        learner=learner,
        task_slug=task.slug,
        files=SubmittedFiles("Dockerfile", GOOD_DOCKERFILE.encode()),
    )
    fake_grader.faults = [InfrastructureError("engine unreachable")]

    with pytest.raises(Retry) as retry:
        tasks.grade_submission.apply(args=[submission.pk])
    requeued = Submission.objects.get(pk=submission.pk)
    redelivered = tasks.grade_submission.apply(args=[submission.pk])

    assert retry.value.when == 10
    assert (requeued.status, requeued.infrastructure_failures) == (SubmissionStatus.QUEUED, 1)
    assert redelivered.get() == "stored"
    assert len(fake_grader.calls) == 2
    assert GradingRun.objects.get(submission=submission).claims == 2
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DONE


def test_the_sweeper_task_reports_what_it_did(db: None):
    assert tasks.sweep_stuck_submissions.apply().get() == 0


def test_manage_py_grade_prints_the_result_as_json(
    task_root: Path, fake_grader: FakeGrader, tmp_path: Path
):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(GOOD_DOCKERFILE)
    out = io.StringIO()

    call_command("grade", str(tmp_path), task=TASK_SLUG, tasks=task_root, stdout=out)

    report = json.loads(out.getvalue())
    assert (report["status"], report["passed"], report["score"], report["max_score"]) == (
        "done",
        True,
        10.0,
        10.0,
    )
    assert report["checks"][0] == {
        "id": "build-succeeds",
        "passed": True,
        "points": 4.0,
        "max_points": 4.0,
        "message": "build-succeeds: fine.",
        "section": "writing-production-ready-dockerfiles",
    }
    assert fake_grader.calls[0][1].content == GOOD_DOCKERFILE.encode()


def test_manage_py_grade_exits_2_on_an_infrastructure_fault(
    task_root: Path, fake_grader: FakeGrader, tmp_path: Path
):
    (tmp_path / "Dockerfile").write_text(GOOD_DOCKERFILE)
    fake_grader.faults = [InfrastructureError("engine unreachable")]
    out = io.StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("grade", str(tmp_path), task=TASK_SLUG, tasks=task_root, stdout=out)

    assert exited.value.code == 2
    assert json.loads(out.getvalue())["status"] == "error"


def test_an_archive_task_grades_a_folder_as_a_tar_gz(tmp_path: Path, fake_grader: FakeGrader):
    from tests.practicals.conftest import write_task

    root = tmp_path / "tasks"
    write_task(root, submission_kind="archive")
    project = tmp_path / "project"
    project.mkdir()
    (project / "Dockerfile").write_text(GOOD_DOCKERFILE)
    (project / ".dockerignore").write_text(".git\n")

    call_command("grade", str(project), task=TASK_SLUG, tasks=root, stdout=io.StringIO())

    files = fake_grader.calls[0][1]
    assert files.file_name == "project.tar.gz"
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(files.content)) as archive:
        assert sorted(archive.getnames()) == [".dockerignore", "Dockerfile"]
