"""Recertification: after a revocation or an expiry, only newer evidence counts, and the final
exam gives a fresh allowance of attempts (the program's `exam_attempts_per_cycle`), through
attempt_start, the certification services, the LMS API and the portal."""

from datetime import timedelta

import pytest
import time_machine
from certification_builders import grade_submission
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, AssessmentSlot, Attempt, Provenance, QuestionStatus
from assessments.selectors.attempts import ItemForSave, attempt_question_get_for_learner
from assessments.services.answers import attempt_answer_save
from assessments.services.attempts import NoAttemptsLeft, attempt_start, attempt_submit
from assessments.services.questions import QuestionContent, question_create
from certificates.models import Certificate, CertificateStatus, CertificationProgram, IssueKind
from certificates.selectors import RequirementKind, certification_standing_for_learner
from certificates.services.issuance import certificate_revoke, certification_evaluate
from practicals.models import PracticalTask
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

VALIDITY_DAYS = 730


@pytest.fixture
def exam(final_exam: Assessment, program: CertificationProgram) -> Assessment:
    """The program's final exam with one exam-pool question and a single attempt allowed, and a
    program that allows one attempt per later cycle."""
    question = question_create(
        key="containers-share-the-kernel",
        section_id=SectionFactory(module=final_exam.module).pk,
        content=QuestionContent(
            type="true_false",
            spec={
                "prompt": "Containers share the host's kernel.",
                "answer": True,
                "feedback": "Section 1: Understanding Containers vs Virtual Machines.",
            },
        ),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
        exam_only=True,
    )
    AssessmentSlot.objects.create(assessment=final_exam, position=1, question=question)
    final_exam.attempts_allowed = 1
    final_exam.save()
    program.exam_attempts_per_cycle = 1
    program.save()
    return final_exam


def sit_exam(learner: User, exam: Assessment, *, right: bool = True) -> Attempt:
    """Through the production path: start, answer, submit."""
    attempt = attempt_start(learner=learner, assessment=exam)
    item = attempt_question_get_for_learner(attempt_id=attempt.pk, position=1, learner=learner)
    attempt_answer_save(item=ItemForSave.of(item), response=right)
    return attempt_submit(attempt=attempt)


def certify(learner: User, exam: Assessment, tasks: list[PracticalTask], program) -> Certificate:
    sit_exam(learner, exam)
    for task in tasks:
        grade_submission(learner, task)
    certificate = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
    assert certificate is not None
    return certificate


def test_after_a_revocation_a_new_pass_with_fresh_attempts_earns_a_new_certificate(
    learner: User,
    instructor: User,
    exam: Assessment,
    tasks: list[PracticalTask],
    program: CertificationProgram,
) -> None:
    # given a certified learner who has used the exam's only attempt
    first = certify(learner, exam, tasks, program)
    with pytest.raises(NoAttemptsLeft):
        attempt_start(learner=learner, assessment=exam)

    # when the certificate is revoked
    certificate_revoke(certificate=first, instructor=instructor, reason="Exam taken by a proxy.")

    # then the old evidence no longer certifies, and every requirement says so
    assert certification_evaluate(learner_id=learner.pk, program_id=program.pk) is None
    standing = certification_standing_for_learner(learner_id=learner.pk, program=program)
    assert [r.kind for r in standing.missing] == [RequirementKind.FINAL_EXAM] + [
        RequirementKind.PRACTICAL_TASK
    ] * len(tasks)
    assert "again" in standing.missing[0].message

    # when the learner sits the exam again (a fresh allowance) and passes
    renewal_attempt = sit_exam(learner, exam)
    assert renewal_attempt.number == 2
    assert renewal_attempt.passed is True
    # ... which alone is not enough: the practical work must be new too
    assert certification_evaluate(learner_id=learner.pk, program_id=program.pk) is None
    for task in tasks:
        grade_submission(learner, task)
    second = certification_evaluate(learner_id=learner.pk, program_id=program.pk)

    # then a new certificate rests on the new evidence, and the new cycle's allowance is spent
    assert second is not None
    assert second.issue_kind == IssueKind.RENEWAL
    assert second.evidence["exam_attempt"]["attempt_id"] == renewal_attempt.pk
    first.refresh_from_db()
    assert first.status == CertificateStatus.REVOKED
    assert Certificate.objects.filter(learner=learner, status=CertificateStatus.ACTIVE).get() == (
        second
    )
    with pytest.raises(NoAttemptsLeft, match="in this certification cycle"):
        attempt_start(learner=learner, assessment=exam)


def test_a_failed_attempt_in_the_old_cycle_does_not_spend_the_new_allowance(
    learner: User,
    instructor: User,
    exam: Assessment,
    tasks: list[PracticalTask],
    program: CertificationProgram,
) -> None:
    program.exam_attempts_per_cycle = 2
    program.save()
    first = certify(learner, exam, tasks, program)
    certificate_revoke(certificate=first, instructor=instructor, reason="Revoked in error.")

    failed = sit_exam(learner, exam, right=False)
    passed = sit_exam(learner, exam)

    assert (failed.passed, passed.passed) == (False, True)
    with pytest.raises(NoAttemptsLeft):
        attempt_start(learner=learner, assessment=exam)


def test_after_an_expiry_a_new_pass_with_fresh_attempts_renews_the_certificate(
    learner: User, exam: Assessment, tasks: list[PracticalTask], program: CertificationProgram
) -> None:
    # given a certificate, and the exam's only attempt spent on it
    first = certify(learner, exam, tasks, program)
    assert first.expires_at is not None
    before_expiry = time_machine.travel(first.expires_at - timedelta(days=1), tick=False)
    with before_expiry, pytest.raises(NoAttemptsLeft):
        attempt_start(learner=learner, assessment=exam)

    with time_machine.travel(first.expires_at + timedelta(days=1), tick=False):
        # when it has expired: the old results no longer count ...
        assert certification_evaluate(learner_id=learner.pk, program_id=program.pk) is None
        first.refresh_from_db()
        assert first.status == CertificateStatus.EXPIRED

        # ... and the learner passes the exam again with the new cycle's attempt, and the tasks
        renewal_attempt = sit_exam(learner, exam)
        for task in tasks:
            grade_submission(learner, task)
        renewed = certification_evaluate(learner_id=learner.pk, program_id=program.pk)

        # then
        assert renewed is not None
        assert renewed.issue_kind == IssueKind.RENEWAL
        assert renewed.evidence["exam_attempt"]["attempt_id"] == renewal_attempt.pk
        assert renewed.expires_at == timezone.now() + timedelta(days=VALIDITY_DAYS)


def test_a_revocation_cancels_the_fresh_start_its_expiry_would_have_brought(
    learner: User,
    instructor: User,
    exam: Assessment,
    tasks: list[PracticalTask],
    program: CertificationProgram,
) -> None:
    # given a certificate revoked soon after issue, and the new cycle's attempt spent (failed)
    first = certify(learner, exam, tasks, program)
    assert first.expires_at is not None
    certificate_revoke(certificate=first, instructor=instructor, reason="Shared answers.")
    sit_exam(learner, exam, right=False)

    # when the date the revoked certificate would have expired has passed
    # then no further allowance appears
    after_expiry = time_machine.travel(first.expires_at + timedelta(days=1), tick=False)
    with after_expiry, pytest.raises(NoAttemptsLeft):
        attempt_start(learner=learner, assessment=exam)


def test_the_api_and_the_portal_show_the_fresh_allowance(
    learner: User,
    instructor: User,
    exam: Assessment,
    tasks: list[PracticalTask],
    program: CertificationProgram,
) -> None:
    # given a revoked certificate whose exam attempt used the whole first allowance
    first = certify(learner, exam, tasks, program)
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=learner)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    portal = Client()
    portal.force_login(learner)
    before = api.get(f"/api/v1/assessments/{exam.slug}/").json()["standing"]

    # when it is revoked
    certificate_revoke(certificate=first, instructor=instructor, reason="Revoked for review.")
    after = api.get(f"/api/v1/assessments/{exam.slug}/").json()["standing"]
    page = portal.get(f"/learn/assessments/{exam.slug}/").content.decode()
    started = api.post(f"/api/v1/assessments/{exam.slug}/attempts/")

    # then the learner sees, and gets, a new attempt
    assert (before["attempts_used"], before["attempts_left"]) == (1, 0)
    assert (after["attempts_used"], after["attempts_left"]) == (0, 1)
    assert "0 of 1 used" in page
    assert started.status_code == 201
    assert started.json()["number"] == 2
