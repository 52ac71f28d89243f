"""The PDF renders, shows who and what, and its QR code decodes to the verification page."""

import pypdfium2
import pytest
import zxingcpp
from certification_builders import meet_every_requirement
from django.core.files.storage import default_storage

from accounts.models import User
from assessments.models import Assessment
from certificates.models import Certificate, CertificationProgram
from certificates.services.issuance import certification_evaluate
from certificates.services.pdf import certificate_pdf_bytes, certificate_pdf_render
from practicals.models import PracticalTask

pytestmark = pytest.mark.django_db
# Rendered at 2x (144 dpi): a phone photo of a printed page is no sharper.
RENDER_SCALE = 2


@pytest.fixture
def certificate(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> Certificate:
    meet_every_requirement(learner, final_exam, tasks)
    issued = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
    assert issued is not None
    return issued


def test_the_pdf_renders_with_a_qr_code_to_the_verification_page(certificate: Certificate) -> None:
    # when
    content = certificate_pdf_bytes(certificate=certificate)

    # then
    document = pypdfium2.PdfDocument(content)
    assert len(document) == 1
    page = document[0]
    text = page.get_textpage().get_text_range()
    assert "Ada Lovelace" in text
    assert "Docker Associate" in text
    assert certificate.display_code in text
    assert f"{certificate.issued_at:%Y}" in text
    image = page.render(scale=RENDER_SCALE).to_pil()
    barcodes = zxingcpp.read_barcodes(image)
    assert [barcode.text for barcode in barcodes] == [
        f"https://quayside.test/verify/{certificate.verification_code}/"
    ]


def test_the_pdf_is_rendered_once_and_regenerated_on_demand(certificate: Certificate) -> None:
    first = certificate_pdf_render(certificate_id=certificate.pk)
    rendered_at = first.pdf_rendered_at

    again = certificate_pdf_render(certificate_id=certificate.pk)
    forced = certificate_pdf_render(certificate_id=certificate.pk, force=True)

    assert again.pdf_rendered_at == rendered_at
    assert forced.pdf_rendered_at is not None
    assert rendered_at is not None
    assert forced.pdf_rendered_at > rendered_at
    assert forced.pdf_file == first.pdf_file
    assert default_storage.exists(forced.pdf_file)
