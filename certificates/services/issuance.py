"""Issuing, renewing, reissuing and revoking certificates.

The database decides races: a partial unique index allows one active certificate per learner
and program, so two evaluations of the same learner that both find every requirement met
insert one certificate between them; the loser's insert fails and it reports "nothing issued".
Signing happens before the insert (the credential names its status index and code) and
outside any lock; only the insert and the change of the previous certificate are transactional.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from assessments import api as assessments_api
from certificates.codes import new_verification_code
from certificates.credentials import (
    AchievementDefinition,
    BadgeAward,
    EvidenceRecord,
    RecipientEmail,
    StatusListPosition,
    build_open_badge_credential,
    new_identity_salt,
    sign_credential,
)
from certificates.issuer import achievement_url, issuer_profile, key_ring, status_list_url
from certificates.models import (
    Certificate,
    CertificateStatus,
    CertificationProgram,
    IssueKind,
)
from certificates.selectors import (
    CertificationStanding,
    certificate_name_outdated,
    certification_standing_for_learner,
    recipient_name_for,
)
from certificates.services.status_lists import status_index_allocate, status_list_publish
from certificates.signed_json import dump_signed
from quayside import announcements
from quayside.announcements import Topic
from quayside.enqueue import enqueue_after_commit
from quayside.errors import DomainError

logger = logging.getLogger(__name__)

ACHIEVEMENT_TYPE = "Certificate"
NAME_CHANGE_REASON = "The learner changed the name printed on their certificate."


class CertificationError(DomainError):
    """The requested change to a certificate is not allowed in its current state."""

    code = "certificate_state_conflict"
    status = 409


class CertificateAlreadyActive(CertificationError):
    code = "certificate_already_active"


@dataclass(frozen=True)
class _Issue:
    """Everything a new certificate needs besides its code, status index and signature."""

    program: CertificationProgram
    learner: User
    kind: IssueKind
    issued_at: datetime
    expires_at: datetime | None
    score_summary: dict[str, Any]
    evidence: dict[str, Any]
    reason: str = ""
    issued_by: User | None = None
    replaces: Certificate | None = None


def certification_evaluate(
    *, learner_id: int, program_id: int, now: datetime | None = None
) -> Certificate | None:
    """Issue (or renew) the learner's certificate if every requirement is met.

    Also closes an active certificate past its expiry date, and reissues the active certificate
    when the learner's chosen name has changed. Idempotent and safe to run concurrently for the
    same learner: returns the certificate it created, or None when it created none.
    """
    now = now or timezone.now()
    program = CertificationProgram.objects.prefetch_related("required_tasks").get(pk=program_id)
    learner = User.objects.get(pk=learner_id)
    certificates_close_expired(learner_id=learner_id, program_id=program_id, now=now)
    standing = certification_standing_for_learner(learner_id=learner_id, program=program, now=now)
    active = standing.active_certificate
    if active is not None:
        if certificate_name_outdated(certificate=active, learner=learner):
            return _reissue_quietly(active, reason=NAME_CHANGE_REASON, actor=None, now=now)
        return None
    if not standing.eligible or not program.is_active:
        return None
    kind = IssueKind.AUTOMATIC if standing.fresh_evidence_after is None else IssueKind.RENEWAL
    try:
        return _certificate_create(
            _Issue(
                program=program,
                learner=learner,
                kind=kind,
                issued_at=now,
                expires_at=_expiry(program, now),
                score_summary=_score_summary(standing),
                evidence=_evidence(standing),
            )
        )
    except CertificateAlreadyActive:
        logger.info(
            "certificate for learner %s, program %s issued concurrently", learner_id, program_id
        )
        return None


def certifications_evaluate_for_learner(
    *, learner_id: int, now: datetime | None = None
) -> list[Certificate]:
    """Evaluate every active program for the learner; return the certificates issued (none,
    with a log line, when the learner was deleted after the evaluation was queued)."""
    if not User.objects.filter(pk=learner_id).exists():
        logger.info("learner %s no longer exists; no certificate to evaluate", learner_id)
        return []
    program_ids = CertificationProgram.objects.filter(is_active=True).values_list("pk", flat=True)
    issued = [
        certification_evaluate(learner_id=learner_id, program_id=program_id, now=now)
        for program_id in program_ids
    ]
    return [certificate for certificate in issued if certificate is not None]


def certificates_close_expired(
    *, learner_id: int, program_id: int, now: datetime | None = None
) -> int:
    """Mark active certificates past their expiry as expired, so a renewal can take their place."""
    now = now or timezone.now()
    return Certificate.objects.filter(
        learner_id=learner_id,
        program_id=program_id,
        status=CertificateStatus.ACTIVE,
        expires_at__lte=now,
    ).update(status=CertificateStatus.EXPIRED, ended_at=F("expires_at"))


def certificate_issue_manual(
    *,
    program: CertificationProgram,
    learner: User,
    instructor: User,
    reason: str,
    now: datetime | None = None,
) -> Certificate:
    """An instructor certifies a learner whatever their standing (recorded with the reason).

    Raises CertificateAlreadyActive if the learner already holds a current certificate.
    """
    if not reason.strip():
        raise CertificationError("A manual issuance needs a reason.")
    now = now or timezone.now()
    certificates_close_expired(learner_id=learner.pk, program_id=program.pk, now=now)
    standing = certification_standing_for_learner(learner_id=learner.pk, program=program, now=now)
    return _certificate_create(
        _Issue(
            program=program,
            learner=learner,
            kind=IssueKind.MANUAL,
            issued_at=now,
            expires_at=_expiry(program, now),
            score_summary=_score_summary(standing),
            evidence=_evidence(standing),
            reason=reason.strip(),
            issued_by=instructor,
        )
    )


def certificate_reissue(
    *, certificate: Certificate, actor: User | None, reason: str, now: datetime | None = None
) -> Certificate:
    """Replace an active certificate with a newly signed one under the learner's current name.

    The evidence, score summary and expiry date carry over; the old credential is marked
    superseded in the status list. Raises CertificationError unless `certificate` is current.
    """
    now = now or timezone.now()
    if not reason.strip():
        raise CertificationError("A reissue needs a reason.")
    if not certificate.is_current(now):
        raise CertificationError("Only a current certificate can be reissued.")
    learner = User.objects.get(pk=certificate.learner_id)
    return _certificate_create(
        _Issue(
            program=certificate.program,
            learner=learner,
            kind=IssueKind.REISSUE,
            issued_at=now,
            expires_at=certificate.expires_at,
            score_summary=certificate.score_summary,
            evidence=certificate.evidence,
            reason=reason.strip(),
            issued_by=actor,
            replaces=certificate,
        )
    )


def certificate_revoke(
    *, certificate: Certificate, instructor: User, reason: str, now: datetime | None = None
) -> Certificate:
    """Revoke a certificate and republish the status list in the same transaction.

    Raises CertificationError if it is already revoked or superseded, or without a reason.
    """
    now = now or timezone.now()
    if not reason.strip():
        raise CertificationError("A revocation needs a reason.")
    was_current = certificate.is_current(now)
    with transaction.atomic():
        revoked = Certificate.objects.filter(
            pk=certificate.pk,
            status__in=[CertificateStatus.ACTIVE, CertificateStatus.EXPIRED],
        ).update(
            status=CertificateStatus.REVOKED,
            revoked_at=now,
            revoked_by=instructor,
            revocation_reason=reason.strip(),
            ended_at=now,
        )
        if not revoked:
            raise CertificationError("This certificate is already revoked or superseded.")
        status_list_publish(status_list_id=certificate.status_list_id, now=now)
        if was_current:
            # The cycle its expiry would have opened starts now instead. A certificate that had
            # already expired keeps the cycle its expiry opened.
            _exam_cycle_open(certificate, starts_at=now, reason="the certificate was revoked")
    certificate.refresh_from_db()
    announcements.publish_after_commit(Topic.CERTIFICATE_REVOKED, certificate.pk)
    logger.info("certificate %s revoked by %s", certificate.pk, instructor.pk)
    return certificate


def certificate_reissue_for_new_name(
    *, certificate: Certificate, learner: User, now: datetime | None = None
) -> Certificate:
    """The learner asks for their certificate under their current name. Raises
    CertificationError when it already prints that name (nothing to reissue) or is not current."""
    if not certificate_name_outdated(certificate=certificate, learner=learner):
        raise CertificationError("Your certificate already shows your current name.")
    return certificate_reissue(
        certificate=certificate, actor=learner, reason=NAME_CHANGE_REASON, now=now
    )


def _exam_cycle_open(certificate: Certificate, *, starts_at: datetime, reason: str) -> None:
    """From `starts_at` on, the learner earns the certificate again: the final exam gives a fresh
    allowance (the program's `exam_attempts_per_cycle`) and counts only the attempts started
    since. Any cycle scheduled later (by this certificate's expiry) no longer applies."""
    program = certificate.program
    assessments_api.attempt_cycles_withdraw_after(
        learner_id=certificate.learner_id, assessment_slug=program.final_exam_slug, after=starts_at
    )
    assessments_api.attempt_cycle_open(
        learner_id=certificate.learner_id,
        assessment_slug=program.final_exam_slug,
        starts_at=starts_at,
        attempts_allowed=program.exam_attempts_per_cycle,
        reason=f"Certificate {certificate.display_code}: {reason}.",
    )


def _reissue_quietly(
    certificate: Certificate, *, reason: str, actor: User | None, now: datetime
) -> Certificate | None:
    try:
        return certificate_reissue(certificate=certificate, actor=actor, reason=reason, now=now)
    except CertificationError:
        # Another evaluation replaced or closed it first; nothing is left to do.
        return None


def _certificate_create(issue: _Issue) -> Certificate:
    status_list_id, status_index = status_index_allocate()
    code = new_verification_code()
    credential_uuid = uuid.uuid4()
    ring = key_ring()
    recipient_name = recipient_name_for(issue.learner)
    credential = sign_credential(
        build_open_badge_credential(
            _badge_award(issue, credential_uuid, recipient_name, status_list_id, status_index)
        ),
        private_key=ring.active.signing_key,
        verification_method=ring.active.verification_method(issuer_profile().id),
        created=issue.issued_at,
    )
    with transaction.atomic():
        if issue.replaces is not None:
            _supersede(issue.replaces, now=issue.issued_at)
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    program=issue.program,
                    learner=issue.learner,
                    verification_code=code,
                    credential_uuid=credential_uuid,
                    issued_at=issue.issued_at,
                    expires_at=issue.expires_at,
                    recipient_name=recipient_name,
                    achievement_name=issue.program.title,
                    score_summary=issue.score_summary,
                    evidence=issue.evidence,
                    credential_json=dump_signed(credential),
                    signing_key_id=ring.active.key_id,
                    status_list_id=status_list_id,
                    status_list_index=status_index,
                    issue_kind=issue.kind,
                    issue_reason=issue.reason,
                    issued_by=issue.issued_by,
                    replaces=issue.replaces,
                )
        except IntegrityError as error:
            raise CertificateAlreadyActive(
                "The learner already holds an active certificate for this program."
            ) from error
        if issue.replaces is not None:
            status_list_publish(status_list_id=issue.replaces.status_list_id, now=issue.issued_at)
        if issue.expires_at is not None:
            _exam_cycle_open(
                certificate, starts_at=issue.expires_at, reason="the certificate expires"
            )
    _enqueue_pdf_render(certificate.pk)
    announcements.publish_after_commit(Topic.CERTIFICATE_ISSUED, certificate.pk)
    logger.info(
        "certificate %s issued (%s) to learner %s for program %s",
        certificate.pk,
        issue.kind,
        issue.learner.pk,
        issue.program.slug,
    )
    return certificate


def _supersede(certificate: Certificate, *, now: datetime) -> None:
    superseded = Certificate.objects.filter(
        pk=certificate.pk, status=CertificateStatus.ACTIVE
    ).update(status=CertificateStatus.SUPERSEDED, ended_at=now)
    if not superseded:
        raise CertificationError("The certificate was changed meanwhile; it is no longer active.")


def _enqueue_pdf_render(certificate_id: int) -> None:
    from certificates.tasks import render_certificate_pdf  # the tasks module imports this one

    # A lost message costs nothing: the PDF is rendered on first download if it is missing.
    enqueue_after_commit(render_certificate_pdf, certificate_id)


def _expiry(program: CertificationProgram, issued_at: datetime) -> datetime | None:
    if program.validity_days is None:
        return None
    return issued_at + timedelta(days=program.validity_days)


def _badge_award(
    issue: _Issue,
    credential_uuid: uuid.UUID,
    recipient_name: str,
    status_list_id: int,
    status_index: int,
) -> BadgeAward:
    program = issue.program
    return BadgeAward(
        credential_id=f"urn:uuid:{credential_uuid}",
        issuer=issuer_profile(),
        achievement=AchievementDefinition(
            id=achievement_url(program.slug),
            name=program.title,
            description=program.description or program.title,
            criteria_narrative=_criteria_narrative(program),
            achievement_type=ACHIEVEMENT_TYPE,
        ),
        recipient=RecipientEmail(email=issue.learner.email, salt=new_identity_salt()),
        recipient_name=recipient_name,
        valid_from=issue.issued_at,
        valid_until=issue.expires_at,
        status=StatusListPosition(status_list_url(status_list_id), status_index),
        evidence=_evidence_records(issue.evidence),
    )


def _criteria_narrative(program: CertificationProgram) -> str:
    parts = [f"Passed the final exam ({program.final_exam_slug})"]
    task_slugs = [required.task_slug for required in program.required_tasks.all()]
    if task_slugs:
        parts.append(f"passed the practical tasks {', '.join(task_slugs)}")
    if program.min_section_mastery_percent is not None:
        parts.append(
            f"reached at least {program.min_section_mastery_percent}% mastery in every section"
        )
    return "; ".join(parts) + "."


def _score_summary(standing: CertificationStanding) -> dict[str, Any]:
    exam = standing.exam
    return {
        "final_exam": None
        if exam is None
        else {
            "title": exam.assessment_title,
            "percent": str(exam.percent),
            "attempts": exam.attempts,
        },
        "tasks": [
            {
                "slug": task.task_slug,
                "title": task.task_title,
                "score": str(task.score),
                "max_score": str(task.max_score),
                "passed": task.passed,
            }
            for task in standing.tasks
        ],
        "sections": [
            {"id": section.section_id, "title": section.section_title, "percent": section.percent}
            for section in standing.sections
        ],
    }


def _evidence(standing: CertificationStanding) -> dict[str, Any]:
    exam = standing.exam
    return {
        "exam_attempt": None
        if exam is None
        else {
            "attempt_id": exam.deciding_attempt_id,
            "assessment_slug": exam.assessment_slug,
            "assessment_title": exam.assessment_title,
            "percent": str(exam.percent),
            "passed": exam.passed,
            "submitted_at": exam.submitted_at.isoformat(),
        },
        "submissions": [
            {
                "submission_id": task.submission_id,
                "task_slug": task.task_slug,
                "task_title": task.task_title,
                "score": str(task.score),
                "max_score": str(task.max_score),
                "passed": task.passed,
                "image_digest": task.image_digest,
                "graded_at": task.graded_at.isoformat(),
            }
            for task in standing.tasks
        ],
    }


def _evidence_records(evidence: dict[str, Any]) -> tuple[EvidenceRecord, ...]:
    records = []
    exam = evidence.get("exam_attempt")
    if exam:
        records.append(
            EvidenceRecord(
                name=f"Final exam: {exam['assessment_title']}",
                description=(
                    f"Attempt {exam['attempt_id']} submitted {exam['submitted_at']}, "
                    f"scored {exam['percent']}%."
                ),
            )
        )
    for submission in evidence.get("submissions", []):
        digest = submission["image_digest"] or "no image"
        records.append(
            EvidenceRecord(
                name=f"Practical task: {submission['task_title']}",
                description=(
                    f"Submission {submission['submission_id']} graded {submission['graded_at']}, "
                    f"scored {submission['score']}/{submission['max_score']}; image {digest}."
                ),
            )
        )
    return tuple(records)
