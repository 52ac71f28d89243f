"""Automatic issuance: exactly one certificate when every requirement is met, none otherwise."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from certification_builders import grade_submission, meet_every_requirement, take_exam
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment
from certificates.models import Certificate, CertificateStatus, CertificationProgram, IssueKind
from certificates.selectors import RequirementKind, certification_standing_for_learner
from certificates.services.issuance import certification_evaluate
from certificates.subscriptions import on_attempt_graded, on_submission_graded
from practicals.models import PracticalTask

pytestmark = pytest.mark.django_db


def test_a_learner_who_passes_everything_gets_one_certificate_with_no_one_acting(
    learner: User,
    program: CertificationProgram,
    final_exam: Assessment,
    tasks: list[PracticalTask],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    take_exam(learner, final_exam)
    grade_submission(learner, tasks[0])
    last = grade_submission(learner, tasks[1])

    # when: grading announces the last graded submission (and, again, the exam)
    with django_capture_on_commit_callbacks(execute=True):
        on_submission_graded(last.pk)
        on_attempt_graded(learner.attempts.get().pk)

    # then
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.status == CertificateStatus.ACTIVE
    assert certificate.issue_kind == IssueKind.AUTOMATIC
    assert certificate.recipient_name == "Ada Lovelace"
    assert certificate.expires_at == certificate.issued_at + timedelta(days=730)
    digests = [item["image_digest"] for item in certificate.evidence["submissions"]]
    assert all(digest.startswith("sha256:") for digest in digests)
    assert len(digests) == 2
    assert certificate.evidence["exam_attempt"]["percent"] == "86.00"
    assert certificate.pdf_file  # rendered by the task after the commit


def test_a_learner_missing_one_task_gets_none_and_is_told_which(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    # given
    take_exam(learner, final_exam)
    grade_submission(learner, tasks[0])
    grade_submission(learner, tasks[1], passed=False)

    # when
    issued = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
    standing = certification_standing_for_learner(learner_id=learner.pk, program=program)

    # then
    assert issued is None
    assert not Certificate.objects.exists()
    assert not standing.eligible
    [missing] = standing.missing
    assert missing.kind == RequirementKind.PRACTICAL_TASK
    assert missing.key == tasks[1].slug
    assert "3/10" in missing.message


def test_a_failed_exam_is_the_missing_requirement(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    take_exam(learner, final_exam, percent=55)
    for task in tasks:
        grade_submission(learner, task)

    standing = certification_standing_for_learner(learner_id=learner.pk, program=program)

    assert [requirement.kind for requirement in standing.missing] == [RequirementKind.FINAL_EXAM]
    assert "55" in standing.missing[0].message


def test_evaluating_twice_issues_once(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    meet_every_requirement(learner, final_exam, tasks)

    first = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
    second = certification_evaluate(learner_id=learner.pk, program_id=program.pk)

    assert first is not None
    assert second is None
    assert Certificate.objects.filter(learner=learner).count() == 1


def test_the_mastery_requirement_names_each_weak_section(
    learner: User,
    program: CertificationProgram,
    final_exam: Assessment,
    tasks: list[PracticalTask],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assessments.api import SectionMasteryValue
    from certificates import selectors
    from courses.api import SectionData

    program.min_section_mastery_percent = 60
    program.save()
    sections = [
        SectionData(1, program.module_id, "c", "m", "images", 1, "Images", "", "", False),
        SectionData(2, program.module_id, "c", "m", "volumes", 2, "Volumes", "", "", False),
    ]
    monkeypatch.setattr(selectors, "section_list_for_module", lambda **_: sections)
    monkeypatch.setattr(
        selectors,
        "section_mastery_for_learner",
        lambda **_: [SectionMasteryValue(1, "Images", 90)],
    )
    meet_every_requirement(learner, final_exam, tasks)

    standing = certification_standing_for_learner(learner_id=learner.pk, program=program)

    [missing] = standing.missing
    assert missing.kind == RequirementKind.SECTION_MASTERY
    assert missing.label == "Volumes"
    assert "60%" in missing.message


def test_an_expired_certificate_is_renewed_only_by_passing_again(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    # given: a certificate that has run out
    meet_every_requirement(learner, final_exam, tasks)
    original = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
    assert original is not None
    later = timezone.now() + timedelta(days=731)

    # when: nothing new was passed
    renewed = certification_evaluate(learner_id=learner.pk, program_id=program.pk, now=later)

    # then: it is closed as expired and the old exam is not enough
    original.refresh_from_db()
    assert renewed is None
    assert original.status == CertificateStatus.EXPIRED
    standing = certification_standing_for_learner(learner_id=learner.pk, program=program, now=later)
    assert "again" in standing.missing[0].message

    # when: the learner passes the exam again, and submits the practical tasks again
    take_exam(learner, final_exam, percent=91, submitted_at=later - timedelta(minutes=1))
    assert certification_evaluate(learner_id=learner.pk, program_id=program.pk, now=later) is None
    with time_machine.travel(later, tick=False):
        for task in tasks:
            grade_submission(learner, task)
    renewed = certification_evaluate(learner_id=learner.pk, program_id=program.pk, now=later)

    # then
    assert renewed is not None
    assert renewed.issue_kind == IssueKind.RENEWAL
    assert renewed.expires_at == later + timedelta(days=730)


def test_a_changed_name_reissues_the_certificate(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    meet_every_requirement(learner, final_exam, tasks)
    original = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
    assert original is not None
    learner.display_name = "Augusta Ada King"
    learner.save()

    replacement = certification_evaluate(learner_id=learner.pk, program_id=program.pk)

    original.refresh_from_db()
    assert replacement is not None
    assert replacement.recipient_name == "Augusta Ada King"
    assert replacement.issue_kind == IssueKind.REISSUE
    assert replacement.expires_at == original.expires_at
    assert original.status == CertificateStatus.SUPERSEDED
    assert '"identityHash": "Augusta Ada King"' in replacement.credential_json
