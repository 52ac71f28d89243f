"""Pages and /api/v1/ endpoints: who may see what, revocation and reissue, public verification."""

import json
from typing import Any

import pytest
from certification_builders import meet_every_requirement
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment
from certificates.models import Certificate, CertificateStatus, CertificationProgram
from certificates.services.issuance import certification_evaluate
from practicals.models import PracticalTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> Certificate:
    meet_every_requirement(learner, final_exam, tasks)
    issued = certification_evaluate(learner_id=learner.pk, program_id=program.pk)
    assert issued is not None
    return issued


def _api(user: User | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_learner_lists_and_downloads_their_certificates(
    certificate: Certificate, learner: User
) -> None:
    client = _api(learner)
    code = certificate.verification_code

    listed = client.get("/api/v1/certificates/").json()
    credential = client.get(f"/api/v1/certificates/{code}/credential/")
    pdf = client.get(f"/api/v1/certificates/{code}/pdf/")

    assert [item["verification_code"] for item in listed] == [certificate.display_code]
    assert listed[0]["share_url"] == f"https://quayside.test/verify/{code}/"
    assert credential["Content-Type"] == "application/ld+json"
    assert json.loads(credential.content)["id"] == f"urn:uuid:{certificate.credential_uuid}"
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_learner_cannot_see_a_certificate(
    certificate: Certificate, other_learner: User
) -> None:
    client = _api(other_learner)
    code = certificate.verification_code

    assert client.get(f"/api/v1/certificates/{code}/").status_code == 404
    assert client.get(f"/api/v1/certificates/{code}/pdf/").status_code == 404
    assert client.get("/api/v1/certificates/").json() == []


def test_the_standing_endpoint_says_which_requirement_is_missing(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    from certification_builders import take_exam

    take_exam(learner, final_exam)

    [standing] = _api(learner).get("/api/v1/certification/standing/").json()

    assert standing["eligible"] is False
    missing = [item["key"] for item in standing["requirements"] if not item["met"]]
    assert missing == [task.slug for task in tasks]


def test_an_instructor_revokes_and_verification_then_says_revoked(
    certificate: Certificate, instructor: User
) -> None:
    code = certificate.verification_code

    response = _api(instructor).post(
        f"/api/v1/certificates/{code}/revoke/", {"reason": "Shared exam answers."}, format="json"
    )
    verdict = _api().get(f"/api/v1/verify/{code}/").json()

    assert response.status_code == 200
    assert verdict["verdict"] == "revoked"
    assert "Shared exam answers." in verdict["message"]


def test_revoking_a_revoked_certificate_is_a_conflict_problem(
    certificate: Certificate, instructor: User
) -> None:
    url = f"/api/v1/certificates/{certificate.verification_code}/revoke/"
    _api(instructor).post(url, {"reason": "Shared exam answers."}, format="json")

    again = _api(instructor).post(url, {"reason": "Twice."}, format="json")

    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    problem = again.json()
    assert problem["code"] == "certificate_state_conflict"
    assert problem["type"] == "urn:quayside:problem:certificate_state_conflict"
    assert problem["detail"] == "This certificate is already revoked or superseded."


def test_an_unknown_certificate_or_program_is_a_not_found_problem(instructor: User) -> None:
    certificate = _api(instructor).post(
        "/api/v1/certificates/NO-SUCH-CODE/revoke/", {"reason": "x"}, format="json"
    )
    program = _api(instructor).get("/api/v1/certification/programs/no-such-program/certificates/")

    for response in (certificate, program):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_another_learners_certificate_page_is_not_found(
    certificate: Certificate, other_learner: User
) -> None:
    client = Client()
    client.force_login(other_learner)

    response = client.get(
        reverse("certificates:detail", kwargs={"code": certificate.verification_code})
    )

    assert response.status_code == 404


def test_a_learner_cannot_revoke(certificate: Certificate, learner: User) -> None:
    response = _api(learner).post(
        f"/api/v1/certificates/{certificate.verification_code}/revoke/",
        {"reason": "mine"},
        format="json",
    )

    assert response.status_code == 403


def test_an_instructor_reissues_and_lists_per_program(
    certificate: Certificate, instructor: User, program: CertificationProgram
) -> None:
    client = _api(instructor)

    response = client.post(
        f"/api/v1/certificates/{certificate.verification_code}/reissue/",
        {"reason": "Corrected the achievement title."},
        format="json",
    )
    listed = client.get(f"/api/v1/certification/programs/{program.slug}/certificates/").json()

    assert response.status_code == 201
    assert sorted(item["status"] for item in listed) == ["active", "superseded"]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED


def test_an_instructor_issues_manually_with_a_reason(
    program: CertificationProgram, instructor: User, other_learner: User
) -> None:
    response = _api(instructor).post(
        f"/api/v1/certification/programs/{program.slug}/certificates/",
        {"learner_email": other_learner.email, "reason": "Certified at the in-person exam."},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["issue_kind"] == "manual"
    assert Certificate.objects.get(learner=other_learner).issued_by == instructor


@pytest.mark.parametrize(
    ("payload", "verdict"),
    [({"code": "NOPE"}, "invalid"), ({"credential": {"@context": []}}, "invalid")],
)
def test_public_verification_needs_no_login(
    db: None, payload: dict[str, Any], verdict: str
) -> None:
    response = _api().post("/api/v1/verify/", payload, format="json")

    assert response.status_code == 200
    assert response.json()["verdict"] == verdict


def test_public_verification_checks_an_uploaded_file(certificate: Certificate) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("credential.json", certificate.credential_json.encode())

    response = _api().post("/api/v1/verify/", {"file": upload}, format="multipart")

    assert response.json()["verdict"] == "valid"
    assert response.json()["signature_checked"] is True


def test_the_verification_page_shows_the_verdict(certificate: Certificate, client: Client) -> None:
    page = client.get(reverse("certificates_public:verify_code", args=[certificate.display_code]))

    assert page.status_code == 200
    assert b"Valid" in page.content
    assert b"Ada Lovelace" in page.content


def test_the_verification_page_checks_an_uploaded_credential(
    certificate: Certificate, client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    altered = certificate.credential_json.replace("Docker Associate", "Docker Architect", 1)
    upload = SimpleUploadedFile("credential.json", altered.encode())

    page = client.post(reverse("certificates_public:verify"), {"credential": upload})

    assert page.status_code == 200
    assert b"Invalid" in page.content
    assert b"altered" in page.content


def test_the_issuer_profile_and_status_list_are_public(
    certificate: Certificate, client: Client
) -> None:
    profile = client.get("/credentials/issuer").json()
    status_list = client.get("/credentials/status/1").json()

    assert profile["id"] == "https://quayside.test/credentials/issuer"
    assert profile["verificationMethod"][0]["type"] == "Multikey"
    assert profile["verificationMethod"][0]["publicKeyMultibase"] == certificate.signing_key_id
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


def test_learner_pages_render(certificate: Certificate, learner: User, client: Client) -> None:
    client.force_login(learner)

    mine = client.get(reverse("certificates:mine"))
    detail = client.get(reverse("certificates:detail", args=[certificate.verification_code]))

    assert mine.status_code == 200
    assert b"Docker Associate" in mine.content
    assert detail.status_code == 200
    assert certificate.display_code.encode() in detail.content


def test_instructor_pages_are_for_instructors_only(
    certificate: Certificate, learner: User, instructor: User, client: Client
) -> None:
    url = reverse("certificates:program", args=["docker-associate"])
    client.force_login(learner)
    assert client.get(url).status_code == 403
    client.force_login(instructor)
    page = client.get(url)
    assert page.status_code == 200
    assert certificate.display_code.encode() in page.content


def test_the_standing_partial_names_the_missing_requirement(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    from django.template.loader import render_to_string

    from certificates.api import certification_standings_for_learner

    html = render_to_string(
        "certificates/_standing.html",
        {"standings": certification_standings_for_learner(learner_id=learner.pk)},
    )

    assert "Not yet certified" in html
    assert "Take and pass the final exam." in html


def test_the_openapi_schema_lists_the_certificate_endpoints(db: None) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    for path in [
        "/api/v1/certificates/",
        "/api/v1/certificates/{code}/credential/",
        "/api/v1/certificates/{code}/revoke/",
        "/api/v1/certification/standing/",
        "/api/v1/verify/",
    ]:
        assert path in schema["paths"]
