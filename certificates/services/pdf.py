"""Rendering and storing the printable PDF of a certificate.

The PDF is rendered once, after the certificate's transaction commits, and stored in the
default storage; it is re-rendered only on request (a new design, a lost file). Rendering is
idempotent: two renders of one certificate write the same bytes to the same name.
"""

from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from certificates.issuer import verification_url
from certificates.models import Certificate
from certificates.pdf_layout import CertificateFace, render_certificate_pdf


def certificate_face(certificate: Certificate) -> CertificateFace:
    return CertificateFace(
        issuer_name=settings.CERTIFICATE_ISSUER_NAME,
        recipient_name=certificate.recipient_name,
        achievement_name=certificate.achievement_name,
        achievement_description=certificate.program.description,
        issued_on=_long_date(certificate.issued_at),
        valid_until=_long_date(certificate.expires_at) if certificate.expires_at else None,
        verification_code=certificate.display_code,
        verification_url=verification_url(certificate.verification_code),
        score_line=score_line(certificate.score_summary),
    )


def score_line(score_summary: dict[str, object]) -> str:
    parts = []
    exam = score_summary.get("final_exam")
    if isinstance(exam, dict):
        parts.append(f"Final exam {exam['percent']}%")
    tasks = score_summary.get("tasks")
    if isinstance(tasks, list) and tasks:
        passed = sum(1 for task in tasks if task.get("passed"))
        parts.append(f"{passed} practical task{'s' if passed != 1 else ''} passed")
    return " · ".join(parts)


def _long_date(moment: datetime) -> str:
    return f"{moment:%d %B %Y}".lstrip("0")


def certificate_pdf_render(*, certificate_id: int, force: bool = False) -> Certificate:
    """Render the certificate's PDF unless it is already stored (or `force`), and store it."""
    certificate = Certificate.objects.select_related("program").get(pk=certificate_id)
    if certificate.pdf_file and not force and default_storage.exists(certificate.pdf_file):
        return certificate
    content = render_certificate_pdf(certificate_face(certificate))
    name = f"{settings.CERTIFICATE_PDF_DIR}/{certificate.verification_code}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)
    stored_name = default_storage.save(name, ContentFile(content))
    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(pdf_file=stored_name, pdf_rendered_at=now)
    certificate.pdf_file = stored_name
    certificate.pdf_rendered_at = now
    return certificate


def certificate_pdf_bytes(*, certificate: Certificate) -> bytes:
    """The stored PDF, rendered now if it was never rendered or its file is gone."""
    if not certificate.pdf_file or not default_storage.exists(certificate.pdf_file):
        certificate = certificate_pdf_render(certificate_id=certificate.pk, force=True)
    with default_storage.open(certificate.pdf_file, "rb") as stored:
        content: bytes = stored.read()
    return content
