"""What other apps may ask of certificates. Plain values and ids; no model crosses this door."""

from dataclasses import dataclass
from datetime import datetime

from certificates.models import Certificate, CertificateStatus, CertificationProgram
from certificates.selectors import (
    CertificationStanding,
    RequirementKind,
    RequirementStanding,
    certification_standing_for_learner,
    certification_standings_for_learner,
)

# Re-exported: a course package's sync loads its certification programs through this door.
from certificates.services.programs import ProgramCatalogueError as ProgramCatalogueError
from certificates.services.programs import (
    certification_program_load as certification_program_load,
)
from certificates.services.programs import (
    certification_programs_retire_missing as certification_programs_retire_missing,
)

__all__ = [
    "REVOKED",
    "CertificateChange",
    "CertificationStanding",
    "RequirementKind",
    "RequirementStanding",
    "certificate_change_get",
    "certificate_latest_id",
    "certification_standing_for_learner",
    "certification_standings_for_learner",
    "program_module_id",
    "program_titles",
]


# A revoked certificate's `CertificateChange.status`.
REVOKED = CertificateStatus.REVOKED.value


@dataclass(frozen=True)
class CertificateChange:
    """A certificate as an LMS gradebook or a webhook sees it: whose, for what, and its state."""

    certificate_id: int
    learner_id: int
    program_slug: str
    program_title: str
    verification_code: str
    status: str
    issued_at: datetime
    revoked_at: datetime | None
    revocation_reason: str


def certificate_change_get(*, certificate_id: int) -> CertificateChange | None:
    certificate = Certificate.objects.filter(pk=certificate_id).select_related("program").first()
    if certificate is None:
        return None
    return CertificateChange(
        certificate_id=certificate.pk,
        learner_id=certificate.learner_id,
        program_slug=certificate.program.slug,
        program_title=certificate.program.title,
        verification_code=certificate.verification_code,
        status=certificate.status,
        issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
    )


def program_titles() -> list[tuple[str, str]]:
    """Every active certification program as (slug, title): what an LMS can place."""
    return list(
        CertificationProgram.objects.filter(is_active=True)
        .order_by("title", "slug")
        .values_list("slug", "title")
    )


def certificate_latest_id(*, learner_id: int, program_slug: str) -> int | None:
    """The learner's most recently issued certificate for the program (any status), if any."""
    return (
        Certificate.objects.filter(learner_id=learner_id, program__slug=program_slug)
        .order_by("-issued_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def program_module_id(*, slug: str) -> int | None:
    return (
        CertificationProgram.objects.filter(slug=slug).values_list("module_id", flat=True).first()
    )


def program_course_id(*, slug: str) -> int | None:
    """The course a certification program belongs to (an LMS placement enrols into it)."""
    rows = CertificationProgram.objects.filter(slug=slug).values_list(
        "module__course_id", flat=True
    )
    return rows.first()
