"""Public verification: by verification code, or of an uploaded credential JSON.

The answer is one of valid, revoked, expired or invalid, with a reason a person can read.
A code look-up reads our records; a credential check verifies the signature first and then
reads status and dates from the credential itself, the way any third-party verifier would.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from django.utils import timezone

from certificates.credentials import VerificationFailure, verify_credential
from certificates.credentials.xsd_datetime import parse_xsd_datetime
from certificates.issuer import key_resolver, status_list_url
from certificates.models import Certificate, CertificateStatus
from certificates.selectors import certificate_find_by_code, certificate_find_by_credential_id
from certificates.services.status_lists import LISTED_STATUSES
from quayside.request_limits import MULTIPART_OVERHEAD_BYTES
from quayside.untrusted_json import RepeatedKeyError, UntrustedJSONError, untrusted_json_loads

# Our credentials are a few kilobytes; anything far larger is not one of ours.
MAX_CREDENTIAL_BYTES: Final = 256 * 1024
# What the verification page and endpoint read at most: one credential and the form around it.
MAX_CREDENTIAL_UPLOAD_BYTES: Final = MAX_CREDENTIAL_BYTES + MULTIPART_OVERHEAD_BYTES
_MAX_ALTERED_FIELDS_SHOWN: Final = 10


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INVALID = "invalid"


class InvalidReason(StrEnum):
    MALFORMED_JSON = "malformed_json"
    MALFORMED_CREDENTIAL = "malformed_credential"
    BAD_SIGNATURE = "bad_signature"
    ALTERED_FIELD = "altered_field"
    UNKNOWN_KEY = "unknown_key"
    ISSUER_MISMATCH = "issuer_mismatch"
    UNSUPPORTED_PROOF = "unsupported_proof"
    UNKNOWN_CODE = "unknown_code"
    NOT_YET_VALID = "not_yet_valid"
    UNKNOWN_STATUS_LIST = "unknown_status_list"
    REPEATED_KEY = "repeated_key"


@dataclass(frozen=True)
class VerificationResult:
    verdict: Verdict
    message: str
    reason: InvalidReason | None = None
    certificate: Certificate | None = None
    signature_checked: bool = False
    altered_fields: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID


def verify_code(*, code: str, now: datetime | None = None) -> VerificationResult:
    """Look a verification code up in our records (no signature check: we issued it)."""
    now = now or timezone.now()
    certificate = certificate_find_by_code(code=code)
    if certificate is None:
        return VerificationResult(
            Verdict.INVALID,
            "No certificate has this verification code.",
            InvalidReason.UNKNOWN_CODE,
        )
    return _status_of(certificate, now)


def _status_of(certificate: Certificate, now: datetime) -> VerificationResult:
    if certificate.status == CertificateStatus.REVOKED:
        return VerificationResult(
            Verdict.REVOKED,
            f"Revoked on {certificate.revoked_at:%Y-%m-%d}: {certificate.revocation_reason}",
            certificate=certificate,
        )
    if certificate.status == CertificateStatus.SUPERSEDED:
        replacement = getattr(certificate, "replaced_by", None)
        detail = f" by certificate {replacement.display_code}" if replacement else ""
        return VerificationResult(
            Verdict.REVOKED,
            f"Replaced{detail} on {certificate.ended_at:%Y-%m-%d}; this one is no longer valid.",
            certificate=certificate,
        )
    if certificate.is_expired(now):
        expired_on = certificate.expires_at or certificate.ended_at
        return VerificationResult(
            Verdict.EXPIRED, f"Expired on {expired_on:%Y-%m-%d}.", certificate=certificate
        )
    return VerificationResult(Verdict.VALID, "This certificate is valid.", certificate=certificate)


def verify_credential_json(*, text: str | bytes, now: datetime | None = None) -> VerificationResult:
    """Verify an uploaded credential: signature, then validity dates, then revocation status."""
    now = now or timezone.now()
    document = _parsed(text)
    if isinstance(document, VerificationResult):
        return document
    outcome = verify_credential(document, resolve_key=key_resolver())
    if not outcome.ok:
        return _failure(document, outcome.reason, outcome.detail)
    certificate = certificate_find_by_credential_id(credential_id=document.get("id"))
    dated = _date_check(document, now, certificate)
    if dated is not None:
        return dated
    return _status_check(document, now, certificate)


def _parsed(text: str | bytes) -> dict[str, Any] | VerificationResult:
    if len(text) > MAX_CREDENTIAL_BYTES:
        return VerificationResult(
            Verdict.INVALID,
            f"The file is larger than {MAX_CREDENTIAL_BYTES // 1024} KB; it is not a credential.",
            InvalidReason.MALFORMED_JSON,
        )
    try:
        document = untrusted_json_loads(text)
    except RepeatedKeyError as error:
        # Verifiers disagree on which copy of a key counts: the signed and the shown values
        # could differ, so such a document is never valid.
        return VerificationResult(
            Verdict.INVALID,
            f"{error} A credential names each key once.",
            InvalidReason.REPEATED_KEY,
        )
    except UntrustedJSONError as error:
        return VerificationResult(Verdict.INVALID, str(error), InvalidReason.MALFORMED_JSON)
    if not isinstance(document, dict):
        return VerificationResult(
            Verdict.INVALID, "The JSON is not a credential object.", InvalidReason.MALFORMED_JSON
        )
    return document


_FAILURE_REASONS: Final = {
    VerificationFailure.BAD_SIGNATURE: InvalidReason.BAD_SIGNATURE,
    VerificationFailure.UNKNOWN_KEY: InvalidReason.UNKNOWN_KEY,
    VerificationFailure.ISSUER_MISMATCH: InvalidReason.ISSUER_MISMATCH,
    VerificationFailure.UNSUPPORTED_CRYPTOSUITE: InvalidReason.UNSUPPORTED_PROOF,
    VerificationFailure.UNSUPPORTED_CONTEXT: InvalidReason.UNSUPPORTED_PROOF,
    VerificationFailure.WRONG_PROOF_PURPOSE: InvalidReason.UNSUPPORTED_PROOF,
    VerificationFailure.MALFORMED: InvalidReason.MALFORMED_CREDENTIAL,
}

_FAILURE_MESSAGES: Final = {
    InvalidReason.BAD_SIGNATURE: "The signature does not match the credential's content.",
    InvalidReason.UNKNOWN_KEY: "The credential was not signed by a key of this issuer.",
    InvalidReason.ISSUER_MISMATCH: "The signing key does not belong to the named issuer.",
    InvalidReason.UNSUPPORTED_PROOF: "The proof is not an eddsa-rdfc-2022 assertion we accept.",
    InvalidReason.MALFORMED_CREDENTIAL: "The credential is not well-formed.",
}


def _failure(
    document: dict[str, Any], failure: VerificationFailure | None, detail: str
) -> VerificationResult:
    reason = _FAILURE_REASONS.get(failure or VerificationFailure.MALFORMED)
    reason = reason or InvalidReason.MALFORMED_CREDENTIAL
    if reason in (InvalidReason.BAD_SIGNATURE, InvalidReason.MALFORMED_CREDENTIAL):
        altered = _altered_fields(document)
        if altered:
            shown = ", ".join(altered[:_MAX_ALTERED_FIELDS_SHOWN])
            return VerificationResult(
                Verdict.INVALID,
                f"The credential was altered after it was signed: {shown}.",
                InvalidReason.ALTERED_FIELD,
                signature_checked=True,
                altered_fields=tuple(altered),
            )
    message = _FAILURE_MESSAGES[reason]
    if detail:
        message = f"{message} ({detail})"
    return VerificationResult(Verdict.INVALID, message, reason, signature_checked=True)


def _altered_fields(document: dict[str, Any]) -> list[str]:
    """The paths where the document differs from the credential we issued under its id."""
    issued = certificate_find_by_credential_id(credential_id=document.get("id"))
    if issued is None:
        return []
    return list(_differences(json.loads(issued.credential_json), document, "$"))


def _differences(issued: object, received: object, path: str) -> Iterator[str]:
    if isinstance(issued, dict) and isinstance(received, dict):
        for key in sorted(issued.keys() | received.keys()):
            if key not in issued or key not in received:
                yield f"{path}.{key}"
            else:
                yield from _differences(issued[key], received[key], f"{path}.{key}")
    elif isinstance(issued, list) and isinstance(received, list) and len(issued) == len(received):
        for position, (left, right) in enumerate(zip(issued, received, strict=True)):
            yield from _differences(left, right, f"{path}[{position}]")
    elif issued != received or type(issued) is not type(received):
        yield path


def _date_check(
    document: dict[str, Any], now: datetime, certificate: Certificate | None
) -> VerificationResult | None:
    try:
        valid_from = parse_xsd_datetime(document["validFrom"])
        valid_until_text = document.get("validUntil")
        valid_until = parse_xsd_datetime(valid_until_text) if valid_until_text else None
    except (KeyError, TypeError, ValueError):
        return VerificationResult(
            Verdict.INVALID,
            "The credential's validity dates are missing or malformed.",
            InvalidReason.MALFORMED_CREDENTIAL,
            certificate=certificate,
            signature_checked=True,
        )
    if now < valid_from:
        return VerificationResult(
            Verdict.INVALID,
            f"The credential is not valid before {valid_from:%Y-%m-%d %H:%M} UTC.",
            InvalidReason.NOT_YET_VALID,
            certificate=certificate,
            signature_checked=True,
        )
    if valid_until is not None and now >= valid_until:
        return VerificationResult(
            Verdict.EXPIRED,
            f"The signature is genuine but the credential expired on {valid_until:%Y-%m-%d}.",
            certificate=certificate,
            signature_checked=True,
        )
    return None


def _status_check(
    document: dict[str, Any], now: datetime, certificate: Certificate | None
) -> VerificationResult:
    status = document.get("credentialStatus")
    try:
        if not isinstance(status, dict):
            raise TypeError("no credentialStatus object")
        list_url = status["statusListCredential"]
        index = int(status["statusListIndex"])
        list_id = int(list_url.rstrip("/").rsplit("/", 1)[-1])
    except (KeyError, TypeError, ValueError):
        list_id, index, list_url = -1, -1, ""
    if list_id < 0 or list_url != status_list_url(list_id):
        return VerificationResult(
            Verdict.INVALID,
            "The credential does not point at one of our status lists.",
            InvalidReason.UNKNOWN_STATUS_LIST,
            certificate=certificate,
            signature_checked=True,
        )
    listed = Certificate.objects.filter(
        status_list_id=list_id, status_list_index=index, status__in=LISTED_STATUSES
    ).first()
    if listed is not None:
        revoked = _status_of(listed, now)
        return VerificationResult(
            Verdict.REVOKED, revoked.message, certificate=listed, signature_checked=True
        )
    return VerificationResult(
        Verdict.VALID,
        "The signature is genuine and the credential is valid.",
        certificate=certificate,
        signature_checked=True,
    )
