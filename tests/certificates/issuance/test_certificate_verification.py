"""Verification of issued credentials: valid, altered, revoked, expired, malformed, rotated keys."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from certification_builders import meet_every_requirement
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment
from certificates import issuer
from certificates.credentials import StatusBitstring, verify_credential
from certificates.models import Certificate, CertificationProgram
from certificates.services.issuance import certificate_revoke, certification_evaluate
from certificates.services.status_lists import status_list_credential_get
from certificates.verification import InvalidReason, Verdict, verify_code, verify_credential_json
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


def test_an_issued_credential_verifies(certificate: Certificate) -> None:
    result = verify_credential_json(text=certificate.credential_json)

    assert result.verdict == Verdict.VALID
    assert result.signature_checked
    assert result.certificate == certificate


def test_an_issued_credential_is_an_open_badge_naming_its_status_entry(
    certificate: Certificate,
) -> None:
    credential = json.loads(certificate.credential_json)

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "https://quayside.test/credentials/issuer"
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["credentialStatus"]["statusListCredential"] == (
        "https://quayside.test/credentials/status/1"
    )
    assert credential["credentialSubject"]["achievement"]["name"] == "Docker Associate"
    assert len(credential["evidence"]) == 3


def test_one_altered_byte_makes_it_invalid_and_names_the_field(certificate: Certificate) -> None:
    # given: one byte of the learner's name changed
    text = certificate.credential_json
    position = text.index("Ada Lovelace")
    altered = text[:position] + "E" + text[position + 1 :]

    # when
    result = verify_credential_json(text=altered)

    # then
    assert result.verdict == Verdict.INVALID
    assert result.reason == InvalidReason.ALTERED_FIELD
    assert result.altered_fields == ("$.credentialSubject.identifier[1].identityHash",)


@pytest.mark.parametrize("field", ["validFrom", "name"])
def test_any_altered_field_is_invalid(certificate: Certificate, field: str) -> None:
    credential = json.loads(certificate.credential_json)
    credential[field] = "2020-01-01T00:00:00Z" if field == "validFrom" else "Docker Expert"

    result = verify_credential_json(text=json.dumps(credential))

    assert result.verdict == Verdict.INVALID
    assert result.reason == InvalidReason.ALTERED_FIELD


def test_an_altered_signature_is_a_bad_signature(certificate: Certificate) -> None:
    credential = json.loads(certificate.credential_json)
    value = credential["proof"]["proofValue"]
    credential["proof"]["proofValue"] = value[:-3] + ("2" if value[-3] != "2" else "3") + value[-2:]
    result = verify_credential_json(text=json.dumps(credential))

    assert result.verdict == Verdict.INVALID
    assert result.reason == InvalidReason.ALTERED_FIELD
    assert result.altered_fields == ("$.proof.proofValue",)


def test_a_signature_from_an_unknown_key_is_refused(certificate: Certificate) -> None:
    credential = json.loads(certificate.credential_json)
    credential["proof"]["verificationMethod"] = (
        "https://quayside.test/credentials/issuer#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    )

    result = verify_credential_json(text=json.dumps(credential))

    assert result.verdict == Verdict.INVALID
    assert result.reason == InvalidReason.UNKNOWN_KEY


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"a string"', b"\xff\xfe"])
def test_malformed_json_is_invalid(db: None, text: str | bytes) -> None:
    result = verify_credential_json(text=text)

    assert result.verdict == Verdict.INVALID
    assert result.reason == InvalidReason.MALFORMED_JSON


def test_a_revoked_certificate_reads_revoked(certificate: Certificate, instructor: User) -> None:
    # when
    certificate_revoke(certificate=certificate, instructor=instructor, reason="Exam misconduct.")

    # then: by code, by credential, and in the published status list
    by_code = verify_code(code=certificate.display_code)
    by_credential = verify_credential_json(text=certificate.credential_json)
    assert by_code.verdict == Verdict.REVOKED
    assert "Exam misconduct." in by_code.message
    assert by_credential.verdict == Verdict.REVOKED
    status_list = json.loads(status_list_credential_get(status_list_id=1) or "{}")
    bits = StatusBitstring.decode(status_list["credentialSubject"]["encodedList"])
    assert bits.set_indices() == [certificate.status_list_index]
    assert verify_credential(status_list, resolve_key=issuer.key_resolver()).ok


def test_an_expired_certificate_reads_expired(certificate: Certificate) -> None:
    later = timezone.now() + timedelta(days=800)

    assert verify_code(code=certificate.verification_code, now=later).verdict == Verdict.EXPIRED
    by_credential = verify_credential_json(text=certificate.credential_json, now=later)
    assert by_credential.verdict == Verdict.EXPIRED
    assert by_credential.signature_checked


def test_an_unknown_code_is_invalid(db: None) -> None:
    result = verify_code(code="AAAAA-BBBBB-CCCCC-DDDDD")

    assert result.verdict == Verdict.INVALID
    assert result.reason == InvalidReason.UNKNOWN_CODE


def test_codes_are_read_forgivingly(certificate: Certificate) -> None:
    typed = certificate.display_code.lower().replace("1", "l").replace("0", "o")

    assert verify_code(code=typed).verdict == Verdict.VALID


def test_credentials_signed_before_a_key_rotation_still_verify(
    certificate: Certificate,
    learner: User,
    other_learner: User,
    program: CertificationProgram,
    final_exam: Assessment,
    tasks: list[PracticalTask],
) -> None:
    # given
    old_key = certificate.signing_key_id

    # when
    issuer.key_rotate()
    meet_every_requirement(other_learner, final_exam, tasks)
    newer = certification_evaluate(learner_id=other_learner.pk, program_id=program.pk)

    # then
    assert newer is not None
    assert newer.signing_key_id != old_key
    assert verify_credential_json(text=certificate.credential_json).verdict == Verdict.VALID
    assert verify_credential_json(text=newer.credential_json).verdict == Verdict.VALID
    profile = issuer.issuer_profile_document()
    assert {method["publicKeyMultibase"] for method in profile["verificationMethod"]} == {
        old_key,
        newer.signing_key_id,
    }


def test_the_key_ring_is_kept_private_on_disk(certificate: Certificate) -> None:
    directory = Path(settings.CERTIFICATE_KEY_DIR)
    assert directory.stat().st_mode & 0o777 == 0o700
    key_files = list(directory.glob("*.json"))
    assert key_files
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in key_files)
