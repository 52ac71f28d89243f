"""Reads: a learner's standing in each program, certificates by owner, program or code.

Getters that take a person raise CertificateNotFound for anything that person may not see, so
no view checks ownership itself. Results of other apps come only through their `api` modules.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone

from accounts.api import staff_module_scope, user_is_instructor
from accounts.models import User
from assessments.api import (
    AssessmentResult,
    SectionMasteryValue,
    assessment_result_for_learner,
    section_mastery_for_learner,
)
from certificates.codes import normalise_verification_code
from certificates.models import (
    Certificate,
    CertificateStatus,
    CertificationProgram,
)
from courses.api import section_list_for_module
from practicals.api import TaskResult, task_result_for_learner
from quayside.errors import NotFoundError
from quayside.scope import ModuleScope, in_scope

CREDENTIAL_ID_PREFIX = "urn:uuid:"


class CertificateNotFound(NotFoundError):
    """No such certificate for this person (it may exist for someone else: we do not say)."""


class ProgramNotFound(NotFoundError):
    pass


class RequirementKind(StrEnum):
    FINAL_EXAM = "final_exam"
    PRACTICAL_TASK = "practical_task"
    SECTION_MASTERY = "section_mastery"


@dataclass(frozen=True)
class RequirementStanding:
    kind: RequirementKind
    key: str  # the exam slug, the task slug or the section id
    label: str
    met: bool
    message: str


@dataclass(frozen=True)
class CertificationStanding:
    program_id: int
    program_slug: str
    program_title: str
    requirements: tuple[RequirementStanding, ...]
    exam: AssessmentResult | None
    tasks: tuple[TaskResult, ...]
    sections: tuple[SectionMasteryValue, ...]
    active_certificate: Certificate | None
    # After an expiry or a revocation, only evidence from then on renews the certificate.
    fresh_evidence_after: datetime | None

    @property
    def eligible(self) -> bool:
        return all(requirement.met for requirement in self.requirements)

    @property
    def missing(self) -> tuple[RequirementStanding, ...]:
        return tuple(requirement for requirement in self.requirements if not requirement.met)


def program_list_active(*, module_ids: ModuleScope = None) -> QuerySet[CertificationProgram]:
    return CertificationProgram.objects.filter(
        in_scope("module_id", module_ids), is_active=True
    ).prefetch_related("required_tasks")


def program_get(*, slug: str, module_ids: ModuleScope = None) -> CertificationProgram:
    """A program by slug, within scope (an instructor's: the courses they teach)."""
    program = (
        CertificationProgram.objects.prefetch_related("required_tasks")
        .filter(in_scope("module_id", module_ids), slug=slug)
        .first()
    )
    if program is None:
        raise ProgramNotFound(f"No certification program {slug!r}.")
    return program


def certificate_active_for_learner(*, learner_id: int, program_id: int) -> Certificate | None:
    return Certificate.objects.filter(
        learner_id=learner_id, program_id=program_id, status=CertificateStatus.ACTIVE
    ).first()


def _fresh_evidence_after(
    *, learner_id: int, program_id: int, lapsed: Certificate | None
) -> datetime | None:
    """When the learner's current certification cycle began: the end of their last certificate
    (its revocation, or its expiry), or None while they never held one that ended.

    Only evidence from the current cycle counts: exam attempts started, and practical work
    submitted, at or after this moment. `lapsed` is an active certificate past its expiry that
    has not been closed yet; it ends at its expiry date.
    """
    ended = (
        Certificate.objects.filter(
            learner_id=learner_id,
            program_id=program_id,
            status__in=[CertificateStatus.EXPIRED, CertificateStatus.REVOKED],
        )
        .order_by("-ended_at")
        .values_list("ended_at", flat=True)
        .first()
    )
    ends = [moment for moment in (ended, lapsed.expires_at if lapsed else None) if moment]
    return max(ends, default=None)


def certification_standing_for_learner(
    *, learner_id: int, program: CertificationProgram, now: datetime | None = None
) -> CertificationStanding:
    """Each requirement of `program`, met or missing, with a message the learner can act on.

    After a revocation or an expiry, requirements count only evidence of the new cycle
    (`fresh_evidence_after`): the exam attempts and practical submissions made since.
    """
    now = now or timezone.now()
    active = certificate_active_for_learner(learner_id=learner_id, program_id=program.pk)
    lapsed = active if active is not None and active.is_expired(now) else None
    if lapsed is not None:
        active = None
    fresh_after = None
    if active is None:
        fresh_after = _fresh_evidence_after(
            learner_id=learner_id, program_id=program.pk, lapsed=lapsed
        )
    exam = assessment_result_for_learner(
        learner_id=learner_id,
        assessment_slug=program.final_exam_slug,
        now=now,
        started_since=fresh_after,
    )
    requirements = [_exam_requirement(program, exam, fresh_after)]
    tasks: list[TaskResult] = []
    for required in program.required_tasks.all():
        result = task_result_for_learner(
            learner_id=learner_id, task_slug=required.task_slug, submitted_since=fresh_after
        )
        if result is not None:
            tasks.append(result)
        requirements.append(_task_requirement(required.task_slug, result, fresh_after))
    sections: list[SectionMasteryValue] = []
    if program.min_section_mastery_percent is not None:
        sections = _module_mastery(
            learner_id=learner_id, module_id=program.module_id, now=now, since=fresh_after
        )
        requirements.extend(
            _mastery_requirement(section, program.min_section_mastery_percent)
            for section in sections
        )
    return CertificationStanding(
        program_id=program.pk,
        program_slug=program.slug,
        program_title=program.title,
        requirements=tuple(requirements),
        exam=exam,
        tasks=tuple(tasks),
        sections=tuple(sections),
        active_certificate=active,
        fresh_evidence_after=fresh_after,
    )


def certification_standings_for_learner(
    *, learner_id: int, now: datetime | None = None, module_ids: ModuleScope = None
) -> list[CertificationStanding]:
    """The learner's standing in every active program within scope, for the dashboard."""
    now = now or timezone.now()
    return [
        certification_standing_for_learner(learner_id=learner_id, program=program, now=now)
        for program in program_list_active(module_ids=module_ids)
    ]


def _since(fresh_after: datetime | None) -> str:
    return (
        "" if fresh_after is None else f" (only work since {fresh_after:%Y-%m-%d %H:%M} UTC counts)"
    )


def _exam_requirement(
    program: CertificationProgram, exam: AssessmentResult | None, fresh_after: datetime | None
) -> RequirementStanding:
    label = exam.assessment_title if exam is not None else "Final exam"

    def standing(met: bool, message: str) -> RequirementStanding:
        return RequirementStanding(
            RequirementKind.FINAL_EXAM, program.final_exam_slug, label, met, message
        )

    if exam is None:
        if fresh_after is not None:
            return standing(
                False,
                "Pass the final exam again to renew your certificate" + _since(fresh_after) + ".",
            )
        return standing(False, "Take and pass the final exam.")
    if not exam.passed:
        return standing(
            False, f"Pass the final exam: your result is {exam.percent}%{_since(fresh_after)}."
        )
    return standing(True, f"Passed with {exam.percent}%.")


def _task_requirement(
    task_slug: str, result: TaskResult | None, fresh_after: datetime | None
) -> RequirementStanding:
    if result is None:
        return RequirementStanding(
            RequirementKind.PRACTICAL_TASK,
            task_slug,
            task_slug,
            False,
            ("Submit this practical task again" if fresh_after else "Submit this practical task")
            + f" and pass its checks{_since(fresh_after)}.",
        )
    score = f"{_plain(result.score)}/{_plain(result.max_score)}"
    if not result.passed:
        return RequirementStanding(
            RequirementKind.PRACTICAL_TASK,
            task_slug,
            result.task_title,
            False,
            f"Pass this practical task: your best submission scored {score}{_since(fresh_after)}.",
        )
    return RequirementStanding(
        RequirementKind.PRACTICAL_TASK, task_slug, result.task_title, True, f"Passed ({score})."
    )


def _module_mastery(
    *, learner_id: int, module_id: int, now: datetime, since: datetime | None
) -> list[SectionMasteryValue]:
    """Mastery of every live section of the module; a section never practised counts as 0%."""
    known = {
        value.section_id: value
        for value in section_mastery_for_learner(learner_id=learner_id, now=now, since=since)
    }
    return [
        known.get(section.id, SectionMasteryValue(section.id, section.title, 0))
        for section in section_list_for_module(module_id=module_id)
    ]


def _mastery_requirement(section: SectionMasteryValue, minimum: int) -> RequirementStanding:
    met = section.percent >= minimum
    message = (
        f"Mastery {section.percent}% (at least {minimum}% needed)."
        if met
        else f"Reach {minimum}% mastery in this section: you are at {section.percent}%."
    )
    return RequirementStanding(
        RequirementKind.SECTION_MASTERY,
        str(section.section_id),
        section.section_title,
        met,
        message,
    )


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def certificate_list_for_learner(
    *, learner: User, module_ids: ModuleScope = None
) -> QuerySet[Certificate]:
    """The learner's certificates, for programs in modules within scope."""
    return Certificate.objects.filter(
        in_scope("program__module_id", module_ids), learner=learner
    ).select_related("program")


def certificate_get_for_learner(
    *, code: str, learner: User, module_ids: ModuleScope = None
) -> Certificate:
    certificate = (
        Certificate.objects.select_related("program")
        .filter(in_scope("program__module_id", module_ids))
        .filter(verification_code=normalise_verification_code(code) or "", learner=learner)
        .first()
    )
    if certificate is None:
        raise CertificateNotFound(f"No certificate {code} of yours.")
    return certificate


def certificate_get_for_instructor(*, code: str, instructor: User) -> Certificate:
    """A certificate of a course the instructor teaches (site administrators: any course)."""
    if not user_is_instructor(instructor):
        raise CertificateNotFound(f"No certificate {code}.")
    certificate = (
        Certificate.objects.select_related("program", "learner")
        .filter(in_scope("program__module_id", staff_module_scope(instructor)))
        .filter(verification_code=normalise_verification_code(code) or "")
        .first()
    )
    if certificate is None:
        raise CertificateNotFound(f"No certificate {code}.")
    return certificate


def certificate_get_for_viewer(
    *, code: str, user: User, module_ids: ModuleScope = None
) -> Certificate:
    """The owner (within scope) or the staff of its course may download a certificate's files."""
    if module_ids is None and user_is_instructor(user):
        try:
            return certificate_get_for_instructor(code=code, instructor=user)
        except CertificateNotFound:
            pass  # not a course they teach: perhaps their own certificate
    return certificate_get_for_learner(code=code, learner=user, module_ids=module_ids)


def certificate_find_by_code(*, code: str) -> Certificate | None:
    """Public look-up for verification: anyone holding the code may check it."""
    normalised = normalise_verification_code(code)
    if normalised is None:
        return None
    return (
        Certificate.objects.select_related("program", "replaced_by")
        .filter(verification_code=normalised)
        .first()
    )


def certificate_find_by_credential_id(*, credential_id: object) -> Certificate | None:
    """The certificate whose credential has this `id` (`urn:uuid:...`), if we issued one."""
    if not isinstance(credential_id, str) or not credential_id.startswith(CREDENTIAL_ID_PREFIX):
        return None
    try:
        credential_uuid = uuid.UUID(credential_id.removeprefix(CREDENTIAL_ID_PREFIX))
    except ValueError:
        return None
    return (
        Certificate.objects.select_related("program", "replaced_by")
        .filter(credential_uuid=credential_uuid)
        .first()
    )


def certificate_list_for_program(*, program: CertificationProgram) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(program=program).select_related("learner").order_by("-issued_at")
    )


def recipient_name_for(learner: User) -> str:
    """The name a certificate for this learner prints: the display name, else the address."""
    return learner.display_name.strip() or learner.email


def certificate_name_outdated(*, certificate: Certificate, learner: User) -> bool:
    """True when the certificate prints another name than the learner's current one: the only
    reason a certificate is reissued for a name (automatically, or at the learner's request)."""
    return certificate.recipient_name != recipient_name_for(learner)
