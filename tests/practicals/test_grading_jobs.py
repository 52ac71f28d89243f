"""The grading job's life in the database, with a fake grader: states, exactly-once results,
leases, infrastructure retries, a dead worker taken over, regrades."""

from datetime import timedelta

import docker.errors
import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from graders.errors import InfrastructureError
from practicals import api, grading
from practicals.grading import task_spec_for_version
from practicals.models import (
    CheckResult,
    GradingRun,
    PracticalTask,
    RunTrigger,
    Submission,
    SubmissionStatus,
    Verdict,
)
from practicals.selectors import attempts_used
from practicals.services.grading import GradeAction, _store, submission_grade
from practicals.services.jobs import (
    LeaseLostError,
    submission_claim,
    submission_progress,
    submissions_sweep_stuck,
)
from practicals.services.submissions import (
    SubmissionRefusedError,
    SubmittedFiles,
    submission_create,
    submission_regrade,
    task_submissions_regrade,
)
from practicals.services.tasks import practical_task_load
from practicals.task_definitions import task_definition_read
from quayside import announcements
from quayside.announcements import Topic
from tests.practicals.conftest import (
    GOOD_DOCKERFILE,
    TASK_SLUG,
    FakeGrader,
    failing_result,
    passing_result,
    write_task,
)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def submission(learner: User, task: PracticalTask, sent: list[int]) -> Submission:
    files = SubmittedFiles("Dockerfile", GOOD_DOCKERFILE.encode())
    return submission_create(learner=learner, task_slug=task.slug, files=files)


def _reload(submission: Submission) -> Submission:
    return Submission.objects.get(pk=submission.pk)


def test_a_job_moves_from_queued_through_building_and_checking_to_done(
    submission: Submission, fake_grader: FakeGrader
):
    statuses: list[tuple[str, str]] = []

    def look() -> None:
        row = _reload(submission)
        statuses.append((row.status, row.phase))

    fake_grader.phases = ("prescreen", "build")
    fake_grader.script = look

    outcome = submission_grade(submission_id=submission.pk, worker="worker-a")

    assert outcome.action is GradeAction.STORED
    assert statuses == [(SubmissionStatus.BUILDING, "build")]
    done = _reload(submission)
    assert (done.status, done.verdict) == (SubmissionStatus.DONE, Verdict.PASSED)
    assert done.lease_owner == ""
    assert done.lease_expires_at is None
    assert done.finished_at is not None


def test_checking_phases_set_the_checking_status(submission: Submission, fake_grader: FakeGrader):
    seen: list[str] = []
    fake_grader.phases = ("build", "run")
    fake_grader.script = lambda: seen.append(_reload(submission).status)

    submission_grade(submission_id=submission.pk, worker="worker-a")

    assert seen == [SubmissionStatus.CHECKING]


def test_the_run_keeps_every_check_with_points_message_section_and_evidence(
    submission: Submission, fake_grader: FakeGrader
):
    outcome = submission_grade(submission_id=submission.pk, worker="worker-a")

    run = GradingRun.objects.get(pk=outcome.run_id)
    assert (run.number, run.verdict, run.trigger) == (1, Verdict.PASSED, RunTrigger.SUBMISSION)
    assert (run.score, run.max_score) == (10, 10)
    assert run.image_digest == "sha256:" + "a" * 64
    assert run.image_size_bytes == 52_000_000
    assert run.timings == {"static": 0.01, "build": 1.5, "run": 0.7}
    checks = list(run.checks.order_by("position"))
    assert [(c.position, c.check_id, c.points, c.max_points) for c in checks] == [
        (1, "build-succeeds", 4, 4),
        (2, "image-user-not-root", 6, 6),
    ]
    assert checks[1].section_slug == "container-security-best-practices"
    assert checks[1].evidence == {"seen": True}
    assert checks[1].message == "image-user-not-root: fine."


def test_the_grader_gets_the_task_version_and_the_submitted_files(
    submission: Submission, fake_grader: FakeGrader
):
    submission_grade(submission_id=submission.pk, worker="worker-a")

    spec, files, job_id = fake_grader.calls[0]
    assert spec.slug == TASK_SLUG
    assert spec.version == 1
    assert spec.allowed_base_images == ("python:3.11-slim-bookworm",)
    assert spec.limits.build_seconds == 60
    assert spec.provided_files["app.py"] == b'print("hello")\n'
    assert [item.check_id for item in spec.rubric] == ["build-succeeds", "image-user-not-root"]
    assert files.content == GOOD_DOCKERFILE.encode()
    assert files.sha256 == submission.sha256
    assert job_id.startswith(f"sub{submission.pk}-c1-")


def test_a_redelivered_message_is_never_graded_twice(
    submission: Submission, fake_grader: FakeGrader
):
    first = submission_grade(submission_id=submission.pk, worker="worker-a")
    again = submission_grade(submission_id=submission.pk, worker="worker-b")

    assert (first.action, again.action) == (GradeAction.STORED, GradeAction.NOT_CLAIMED)
    assert GradingRun.objects.filter(submission=submission).count() == 1
    assert len(fake_grader.calls) == 1


def test_a_live_workers_job_cannot_be_claimed_by_another(submission: Submission):
    claim = submission_claim(submission_id=submission.pk, worker="worker-a")

    assert claim is not None
    assert submission_claim(submission_id=submission.pk, worker="worker-b") is None


def test_the_graded_event_fires_after_commit(
    submission: Submission, fake_grader: FakeGrader, django_capture_on_commit_callbacks
):
    graded: list[int] = []
    announcements.subscribe(Topic.SUBMISSION_GRADED, graded.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            submission_grade(submission_id=submission.pk, worker="worker-a")
    finally:
        announcements.unsubscribe(Topic.SUBMISSION_GRADED, graded.append)

    assert graded == [submission.pk]


@pytest.mark.parametrize(
    "fault",
    [
        InfrastructureError("engine unreachable"),
        docker.errors.APIError("500 Server Error"),
    ],
)
def test_an_infrastructure_fault_requeues_the_job_without_a_result(
    submission: Submission, fake_grader: FakeGrader, fault: Exception
):
    fake_grader.faults = [fault]

    outcome = submission_grade(submission_id=submission.pk, worker="worker-a")

    assert outcome.action is GradeAction.RETRY
    assert outcome.retry_in_seconds == 10
    row = _reload(submission)
    assert (row.status, row.verdict) == (SubmissionStatus.QUEUED, "")
    assert row.infrastructure_failures == 1
    assert str(fault) in row.last_error
    assert not GradingRun.objects.exists()


def test_the_retry_after_a_fault_grades_once_and_costs_no_extra_attempt(
    learner: User, task: PracticalTask, submission: Submission, fake_grader: FakeGrader
):
    fake_grader.faults = [InfrastructureError("engine unreachable")]
    submission_grade(submission_id=submission.pk, worker="worker-a")

    outcome = submission_grade(submission_id=submission.pk, worker="worker-a")

    assert outcome.action is GradeAction.STORED
    run = GradingRun.objects.get(submission=submission)
    assert run.claims == 2
    assert attempts_used(learner=learner, task=task) == 1
    assert _reload(submission).attempt_number == 1


@override_settings(GRADING_MAX_CLAIMS=3)
def test_after_repeated_faults_the_verdict_is_error_and_no_attempt_is_used(
    learner: User, task: PracticalTask, submission: Submission, fake_grader: FakeGrader
):
    fake_grader.faults = [InfrastructureError("engine unreachable") for _ in range(3)]

    actions = [
        submission_grade(submission_id=submission.pk, worker="worker-a").action for _ in range(3)
    ]

    assert actions == [GradeAction.RETRY, GradeAction.RETRY, GradeAction.GAVE_UP]
    row = _reload(submission)
    assert (row.status, row.verdict) == (SubmissionStatus.DONE, Verdict.ERROR)
    run = GradingRun.objects.get(submission=submission)
    assert run.verdict == Verdict.ERROR
    assert "engine unreachable" in run.reason
    assert attempts_used(learner=learner, task=task) == 0
    assert api.task_result_for_learner(learner_id=learner.pk, task_slug=task.slug) is None


def test_a_grader_reporting_error_is_treated_as_an_infrastructure_fault(
    submission: Submission, fake_grader: FakeGrader, task: PracticalTask
):
    from graders.data import Verdict as GraderVerdict

    fake_grader.result = passing_result(
        task_spec_for_version(task.current_version),
        verdict=GraderVerdict.ERROR,
        reason="build harness timed out",
    )

    outcome = submission_grade(submission_id=submission.pk, worker="worker-a")

    assert outcome.action is GradeAction.RETRY
    assert "harness timed out" in _reload(submission).last_error


def test_a_bug_in_the_grader_ends_the_job_with_error_and_is_raised(
    submission: Submission, fake_grader: FakeGrader
):
    fake_grader.faults = [ZeroDivisionError("oops")]

    with pytest.raises(ZeroDivisionError):
        submission_grade(submission_id=submission.pk, worker="worker-a")

    row = _reload(submission)
    assert (row.status, row.verdict) == (SubmissionStatus.DONE, Verdict.ERROR)
    assert "internal error" in GradingRun.objects.get(submission=submission).reason


def test_a_dead_workers_job_is_taken_over_once_its_lease_runs_out(
    submission: Submission,
    fake_grader: FakeGrader,
    sent: list[int],
    django_capture_on_commit_callbacks,
):
    # given: worker A claims the job, reports a phase, and dies (never finishes)
    dead = submission_claim(submission_id=submission.pk, worker="worker-a")
    assert dead is not None
    submission_progress(claim=dead, phase="build")
    sent.clear()
    # while A's lease runs, neither the sweeper nor a redelivery takes the job
    assert submissions_sweep_stuck().requeued == ()
    assert submission_grade(submission_id=submission.pk, worker="worker-b").action is (
        GradeAction.NOT_CLAIMED
    )

    # when: the lease runs out, the sweeper resends the job and worker B grades it
    Submission.objects.filter(pk=submission.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        enqueued_at=timezone.now() - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = submissions_sweep_stuck()
    outcome = submission_grade(submission_id=sent[-1], worker="worker-b")
    # and A's late attempt to store a result (it was only paused) changes nothing
    late = _store(dead, submission.task_version, failing_result(fake_grader.calls[0][0]))

    # then: exactly one run, from B
    assert report.requeued == (submission.pk,)
    assert outcome.action is GradeAction.STORED
    assert late is None
    runs = GradingRun.objects.filter(submission=submission)
    assert runs.count() == 1
    assert runs.get().verdict == Verdict.PASSED
    assert runs.get().claims == 2
    assert _reload(submission).status == SubmissionStatus.DONE


def test_a_worker_that_lost_its_lease_mid_job_stops_and_stores_nothing(
    submission: Submission, fake_grader: FakeGrader, monkeypatch: pytest.MonkeyPatch
):
    taken_over: list[object] = []

    def another_worker_takes_over() -> None:
        Submission.objects.filter(pk=submission.pk).update(
            lease_expires_at=timezone.now() - timedelta(seconds=1)
        )
        taken_over.append(submission_claim(submission_id=submission.pk, worker="worker-b"))

    fake_grader.phases = ("build",)
    fake_grader.script = another_worker_takes_over
    # the grader reports one more phase after the takeover:
    original_call = fake_grader.__call__

    def grader_with_late_phase(task, files, *, job_id, progress):
        result = original_call(task, files, job_id=job_id, progress=progress)
        progress("run")
        return result

    monkeypatch.setattr(grading, "GRADER", grader_with_late_phase)

    outcome = submission_grade(submission_id=submission.pk, worker="worker-a")

    assert taken_over
    assert taken_over[0] is not None
    assert outcome.action is GradeAction.LEASE_LOST
    assert not GradingRun.objects.exists()
    assert _reload(submission).lease_owner == taken_over[0].token


def test_progress_after_losing_the_claim_raises(submission: Submission):
    claim = submission_claim(submission_id=submission.pk, worker="worker-a")
    Submission.objects.filter(pk=submission.pk).update(lease_owner="someone-else")

    with pytest.raises(LeaseLostError):
        submission_progress(claim=claim, phase="run")


@override_settings(GRADING_STUCK_AFTER_SECONDS=60)
def test_the_sweeper_resends_jobs_queued_too_long_and_only_once_per_period(
    submission: Submission, sent: list[int], django_capture_on_commit_callbacks
):
    sent.clear()
    Submission.objects.filter(pk=submission.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=61)
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = submissions_sweep_stuck()
        second = submissions_sweep_stuck()

    assert first.requeued == (submission.pk,)
    assert second.requeued == ()
    assert sent == [submission.pk]


@override_settings(GRADING_MAX_CLAIMS=2)
def test_the_sweeper_gives_up_on_a_job_that_keeps_killing_workers(
    learner: User, task: PracticalTask, submission: Submission
):
    for _ in range(2):
        assert submission_claim(submission_id=submission.pk, worker="doomed") is not None
        Submission.objects.filter(pk=submission.pk).update(
            lease_expires_at=timezone.now() - timedelta(seconds=1)
        )

    report = submissions_sweep_stuck()

    assert report.given_up == (submission.pk,)
    row = _reload(submission)
    assert (row.status, row.verdict) == (SubmissionStatus.DONE, Verdict.ERROR)
    assert attempts_used(learner=learner, task=task) == 0


def test_the_log_excerpt_is_capped_at_64_kb_and_nul_free(
    submission: Submission, fake_grader: FakeGrader, task: PracticalTask
):
    fake_grader.result = passing_result(
        task_spec_for_version(task.current_version), log_excerpt="\x00é" * 70_000
    )

    submission_grade(submission_id=submission.pk, worker="worker-a")

    log = GradingRun.objects.get(submission=submission).log_excerpt
    assert len(log.encode("utf-8")) <= 64 * 1024
    assert "\x00" not in log


def test_a_regrade_adds_a_run_against_the_current_version_and_keeps_history(
    course_module,
    task_root,
    instructor: User,
    submission: Submission,
    fake_grader: FakeGrader,
    task: PracticalTask,
    sent: list[int],
):
    fake_grader.result = failing_result(task_spec_for_version(task.current_version))
    submission_grade(submission_id=submission.pk, worker="worker-a")
    # the instructor fixes the task: a new version
    write_task(task_root.parent / "fixed", pass_percent=50)
    practical_task_load(
        definition=task_definition_read(task_root.parent / "fixed" / TASK_SLUG),
        module_id=course_module.pk,
    )
    fake_grader.result = None

    submission_regrade(submission=_reload(submission), instructor=instructor)
    queued = _reload(submission)
    assert queued.status == SubmissionStatus.QUEUED
    assert queued.verdict == Verdict.FAILED  # the last result stands until the new one
    submission_grade(submission_id=submission.pk, worker="worker-a")

    runs = list(GradingRun.objects.filter(submission=submission).order_by("number"))
    assert [(r.number, r.verdict, r.task_version.number, r.trigger) for r in runs] == [
        (1, Verdict.FAILED, 1, RunTrigger.SUBMISSION),
        (2, Verdict.PASSED, 2, RunTrigger.REGRADE),
    ]
    assert runs[1].requested_by == instructor
    assert fake_grader.calls[-1][0].version == 2
    row = _reload(submission)
    assert row.task_version.number == 1  # what the learner submitted against stays
    assert (row.status, row.verdict) == (SubmissionStatus.DONE, Verdict.PASSED)
    assert CheckResult.objects.filter(run__submission=submission).count() == 4


def test_a_submission_being_graded_cannot_be_regraded(instructor: User, submission: Submission):
    with pytest.raises(SubmissionRefusedError) as refused:
        submission_regrade(submission=submission, instructor=instructor)

    assert refused.value.code == "grading_in_progress"


def test_regrading_a_task_queues_every_finished_submission(
    learner: User,
    other_learner: User,
    instructor: User,
    task: PracticalTask,
    fake_grader: FakeGrader,
    sent: list[int],
    django_capture_on_commit_callbacks,
):
    files = SubmittedFiles("Dockerfile", GOOD_DOCKERFILE.encode())
    ids = []
    for person in (learner, other_learner):
        made = submission_create(learner=person, task_slug=task.slug, files=files)
        submission_grade(submission_id=made.pk, worker="worker-a")
        ids.append(made.pk)
    pending = submission_create(learner=learner, task_slug=task.slug, files=files)
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        queued = task_submissions_regrade(task=task, instructor=instructor)

    assert queued == ids
    assert sent == ids
    for submission_id in [*ids, pending.pk]:
        submission_grade(submission_id=submission_id, worker="worker-a")
    assert [GradingRun.objects.filter(submission_id=pk).count() for pk in [*ids, pending.pk]] == [
        2,
        2,
        1,
    ]


def test_the_certificates_door_reports_the_best_result(
    learner: User, task: PracticalTask, submission: Submission, fake_grader: FakeGrader
):
    submission_grade(submission_id=submission.pk, worker="worker-a")

    result = api.task_result_for_learner(learner_id=learner.pk, task_slug=task.slug)

    assert result is not None
    assert (result.passed, result.submission_id, result.score) == (True, submission.pk, 10)
