"""A credential that repeats a key is refused, a code with a `/` is a form error (not a 500), and
a certificate is reissued for a name only when the name printed on it changes."""

import json

import pytest
from certification_builders import meet_every_requirement
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import user_display_name_change
from assessments.models import Assessment
from certificates.models import Certificate, CertificateStatus, CertificationProgram
from certificates.services.issuance import certification_evaluate
from certificates.verification import InvalidReason, Verdict, verify_credential_json
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


def _with_a_forged_first_copy(credential_json: str, key: str, value: str) -> str:
    """The signed credential with `key` written twice: a forged value first, the signed one
    after it. A decoder keeping the last copy sees the signed document; one keeping the first
    shows the forged value."""
    assert key in json.loads(credential_json)
    body = credential_json.strip()
    return "{" + json.dumps(key) + ": " + json.dumps(value) + ", " + body[1:]


@pytest.fixture
def forged(certificate: Certificate) -> str:
    return _with_a_forged_first_copy(certificate.credential_json, "name", "Doctorate in Docker")


def test_a_credential_that_repeats_a_key_is_refused_with_the_reason(forged: str):
    result = verify_credential_json(text=forged)

    assert result.verdict == Verdict.INVALID
    assert result.reason == InvalidReason.REPEATED_KEY
    assert "repeats the key 'name'" in result.message


def test_the_repeated_key_is_refused_on_the_page_and_by_upload_to_the_api(forged: str):
    page = Client().post("/verify/", {"credential": SimpleUploadedFile("c.json", forged.encode())})
    api = APIClient().post(
        "/api/v1/verify/",
        {"file": SimpleUploadedFile("c.json", forged.encode())},
        format="multipart",
    )

    assert b"Invalid" in page.content
    assert b"repeated_key" in page.content
    assert api.json()["verdict"] == "invalid"
    assert api.json()["reason"] == "repeated_key"


def test_a_repeated_key_inside_an_inline_credential_is_a_parse_problem(forged: str):
    body = '{"credential": ' + forged + "}"

    response = APIClient().post("/api/v1/verify/", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "repeats the key 'name'" in response.json()["detail"]


def test_the_same_credential_without_the_repeat_still_verifies(certificate: Certificate):
    assert verify_credential_json(text=certificate.credential_json).verdict == Verdict.VALID


@pytest.mark.parametrize("typed", ["ab/cd", "../../admin", "ABCDE-FGHJK/MNPQR-STVWX", "x" * 40])
def test_a_code_that_cannot_be_one_is_a_form_error_not_a_500(db, typed: str):
    response = Client().post("/verify/", {"code": typed})

    assert response.status_code == 400
    assert "A verification code has 20 letters and digits" in response.content.decode()


def test_a_typed_code_is_sent_to_its_page_in_printed_form(certificate: Certificate):
    typed = certificate.display_code.lower().replace("-", " ")

    response = Client().post("/verify/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.display_code}/"


def _certificates_of(learner: User) -> list[Certificate]:
    return list(Certificate.objects.filter(learner=learner).order_by("pk"))


def test_asking_to_reissue_under_the_same_name_reissues_nothing(
    certificate: Certificate, learner: User
):
    client = Client()
    client.force_login(learner)

    response = client.post(f"/certificates/{certificate.verification_code}/reissue-with-my-name/")

    assert response.status_code == 302
    assert _certificates_of(learner) == [certificate]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Your certificate already shows your current name."]


def test_a_rename_reissues_once_and_saving_the_same_name_again_reissues_nothing(
    certificate: Certificate,
    learner: User,
    program: CertificationProgram,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        assert user_display_name_change(user=learner, display_name="Ada King")
    with django_capture_on_commit_callbacks(execute=True):
        assert not user_display_name_change(user=learner, display_name=" Ada King ")
    certification_evaluate(learner_id=learner.pk, program_id=program.pk)

    first, second = _certificates_of(learner)
    first.refresh_from_db()
    assert first.status == CertificateStatus.SUPERSEDED
    assert second.recipient_name == "Ada King"
    assert second.status == CertificateStatus.ACTIVE
