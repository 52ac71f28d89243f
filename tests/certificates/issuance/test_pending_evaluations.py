"""Certificate evaluations are recorded with the grade that triggers them, cleared when done, and
resent by the sweeper when their message was lost, so no graded work goes unevaluated."""

from datetime import timedelta
from typing import Any

import pytest
from certification_builders import grade_submission, take_exam
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import User
from assessments.models import Assessment
from certificates import tasks as certificate_tasks
from certificates.models import Certificate, CertificationProgram, PendingEvaluation
from certificates.services.evaluations import (
    certification_evaluation_request,
    certification_evaluation_run,
    certification_evaluations_sweep,
)
from graders.data import GradeResult
from graders.data import Verdict as GraderVerdict
from practicals import grader_adapter
from practicals.models import PracticalTask, Submission, SubmissionStatus
from practicals.services.grading import GradeAction, submission_grade

pytestmark = pytest.mark.django_db


def passing(*_: Any, **__: Any) -> GradeResult:
    return GradeResult(verdict=GraderVerdict.PASSED, score=10.0, max_score=10.0, checks=())


def refuse(*_: object) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_graded_submission_records_an_evaluation_the_sweeper_completes(
    learner: User,
    program: CertificationProgram,
    final_exam: Assessment,
    tasks: list[PracticalTask],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: everything passed but the last task, whose submission is queued, and a broker
    # that refuses messages
    take_exam(learner, final_exam)
    grade_submission(learner, tasks[0])
    last = grade_submission(learner, tasks[1])
    Submission.objects.filter(pk=last.pk).update(status=SubmissionStatus.QUEUED, verdict="")
    last.runs.all().delete()
    monkeypatch.setattr(grader_adapter, "GRADER", passing)
    monkeypatch.setattr(certificate_tasks.evaluate_learner_certifications, "delay", refuse)

    # when: the submission is graded
    with django_capture_on_commit_callbacks(execute=True):
        outcome = submission_grade(submission_id=last.pk, worker="worker-a")

    # then: the grade is stored with a pending evaluation, no certificate yet
    assert outcome.action is GradeAction.STORED
    marker = PendingEvaluation.objects.get(learner=learner)
    assert not Certificate.objects.filter(learner=learner).exists()

    # when: the broker is back and the sweeper runs (tasks run in process here)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        swept = certification_evaluations_sweep(now=marker.enqueued_at + timedelta(minutes=5))

    # then
    assert swept == [learner.pk]
    assert Certificate.objects.filter(learner=learner).count() == 1
    assert not PendingEvaluation.objects.filter(learner=learner).exists()


def test_a_grade_rolled_back_leaves_no_pending_evaluation(learner: User) -> None:
    def grade_then_fail() -> None:
        with transaction.atomic():
            certification_evaluation_request(learner_id=learner.pk)
            raise RuntimeError("the grading transaction failed")

    # when
    with pytest.raises(RuntimeError):
        grade_then_fail()

    # then
    assert not PendingEvaluation.objects.exists()


def test_a_request_arriving_during_an_evaluation_keeps_its_marker(learner: User) -> None:
    # given: a request made after the evaluation below starts
    certification_evaluation_request(
        learner_id=learner.pk, now=timezone.now() + timedelta(seconds=30)
    )

    # when
    certification_evaluation_run(learner_id=learner.pk)

    # then: the newer request is still to be evaluated
    assert PendingEvaluation.objects.filter(learner=learner).exists()


def test_the_sweeper_leaves_a_recently_sent_evaluation_alone(
    learner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    sent: list[int] = []
    monkeypatch.setattr(
        certificate_tasks.evaluate_learner_certifications, "delay", lambda i: sent.append(i)
    )
    now = timezone.now()
    certification_evaluation_request(learner_id=learner.pk, now=now)

    # when
    swept = certification_evaluations_sweep(now=now + timedelta(seconds=10))

    # then
    assert swept == []
    assert sent == []
