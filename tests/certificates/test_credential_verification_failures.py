"""verify_credential rejects every alteration of the official vector, with the right reason."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from nacl.signing import SigningKey
from official_vector import OfficialVector

from certificates.credentials import (
    SigningError,
    UndefinedTermError,
    VerificationFailure,
    encode_public_key,
    sign_credential,
    verify_credential,
)
from certificates.credentials.multikey import decode_base58btc, encode_base58btc

Tamper = Callable[[dict[str, Any]], None]


def _flip_one_signature_byte(credential: dict[str, Any]) -> None:
    signature = bytearray(decode_base58btc(credential["proof"]["proofValue"]))
    signature[10] ^= 0x01
    credential["proof"]["proofValue"] = encode_base58btc(bytes(signature))


def _set(path: str, value: object) -> Tamper:
    def tamper(credential: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = credential
        for key in parents:
            node = node[key]
        node[leaf] = value

    return tamper


TAMPERINGS: dict[str, tuple[Tamper, VerificationFailure]] = {
    "credential name": (_set("name", "Leadership Badge"), VerificationFailure.BAD_SIGNATURE),
    "achievement name": (
        _set("credentialSubject.achievement.name", "Leadership"),
        VerificationFailure.BAD_SIGNATURE,
    ),
    "added credentialSubject name": (
        _set("credentialSubject.name", "Mallory"),
        VerificationFailure.BAD_SIGNATURE,
    ),
    "subject id": (
        _set("credentialSubject.id", "did:example:mallory"),
        VerificationFailure.BAD_SIGNATURE,
    ),
    "criteria narrative": (
        _set("credentialSubject.achievement.criteria.narrative", "Anyone."),
        VerificationFailure.BAD_SIGNATURE,
    ),
    "validFrom": (_set("validFrom", "2009-01-01T00:00:00Z"), VerificationFailure.BAD_SIGNATURE),
    "issuer name": (_set("issuer.name", "Mallory Corp"), VerificationFailure.BAD_SIGNATURE),
    "issuer id": (
        _set("issuer.id", "https://mallory.example/issuers/1"),
        VerificationFailure.ISSUER_MISMATCH,
    ),
    "proof created": (
        _set("proof.created", "2011-01-01T19:23:24Z"),
        VerificationFailure.BAD_SIGNATURE,
    ),
    "one signature byte": (_flip_one_signature_byte, VerificationFailure.BAD_SIGNATURE),
    "proofValue not base58": (
        _set("proof.proofValue", "z0OIl"),
        VerificationFailure.MALFORMED,
    ),
    "proofValue truncated": (
        _set("proof.proofValue", "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gk"),
        VerificationFailure.MALFORMED,
    ),
    "proofValue without multibase prefix": (
        _set("proof.proofValue", "5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ"),
        VerificationFailure.MALFORMED,
    ),
    "legacy proof type": (
        _set("proof.type", "Ed25519Signature2020"),
        VerificationFailure.UNSUPPORTED_CRYPTOSUITE,
    ),
    "other cryptosuite": (
        _set("proof.cryptosuite", "ecdsa-rdfc-2019"),
        VerificationFailure.UNSUPPORTED_CRYPTOSUITE,
    ),
    "proof purpose": (
        _set("proof.proofPurpose", "authentication"),
        VerificationFailure.WRONG_PROOF_PURPOSE,
    ),
    "undefined property": (
        _set("credentialSubject.nickname", "Mal"),
        VerificationFailure.MALFORMED,
    ),
    "relative type": (
        _set("credentialSubject.type", ["AchievementSubject", "Forged"]),
        VerificationFailure.MALFORMED,
    ),
    "context not bundled": (
        _set(
            "@context",
            [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                "https://mallory.example/context.json",
            ],
        ),
        VerificationFailure.UNSUPPORTED_CONTEXT,
    ),
    "proof as a list": (
        lambda credential: credential.update(proof=[credential["proof"]]),
        VerificationFailure.MALFORMED,
    ),
    "proof removed": (
        lambda credential: credential.pop("proof"),
        VerificationFailure.MALFORMED,
    ),
}


@pytest.mark.parametrize(("tamper", "reason"), TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_it_rejects_an_altered_credential_with_the_reason(
    vector: OfficialVector, tamper: Tamper, reason: VerificationFailure
) -> None:
    # given
    credential = vector.signed_copy()
    tamper(credential)

    # when
    outcome = verify_credential(credential, resolve_key=vector.resolver())

    # then
    assert not outcome.ok
    assert outcome.reason is reason
    assert outcome.detail


def test_it_reports_an_unknown_key(vector: OfficialVector) -> None:
    outcome = verify_credential(vector.signed_copy(), resolve_key=lambda method: None)

    assert not outcome.ok
    assert outcome.reason is VerificationFailure.UNKNOWN_KEY


def test_it_rejects_a_signature_by_another_key_of_the_same_issuer(vector: OfficialVector) -> None:
    # given: the resolver maps the vector's method to some other public key
    other_key = SigningKey(bytes(range(32))).verify_key

    # when
    outcome = verify_credential(vector.signed_copy(), resolve_key=lambda method: other_key)

    # then
    assert outcome.reason is VerificationFailure.BAD_SIGNATURE


def test_it_accepts_a_proof_context_that_prefixes_the_document_context(
    vector: OfficialVector,
) -> None:
    credential = vector.signed_copy()
    credential["proof"]["@context"] = credential["@context"][:1]

    assert verify_credential(credential, resolve_key=vector.resolver()).ok


def test_it_rejects_a_proof_context_that_does_not_prefix_the_document_context(
    vector: OfficialVector,
) -> None:
    credential = vector.signed_copy()
    credential["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2", "urn:other"]

    outcome = verify_credential(credential, resolve_key=vector.resolver())

    assert outcome.reason is VerificationFailure.MALFORMED


def test_it_refuses_to_sign_with_a_key_the_issuer_does_not_control(
    vector: OfficialVector,
) -> None:
    with pytest.raises(SigningError, match="not controlled by issuer"):
        sign_credential(
            vector.unsigned_credential,
            private_key=vector.signing_key,
            verification_method="https://mallory.example/keys#k1",
            created=datetime(2026, 1, 1, tzinfo=UTC),
        )


def test_it_refuses_to_sign_a_document_with_an_undefined_property(
    vector: OfficialVector,
) -> None:
    # given: a property no context defines would be shown to readers but not signed
    document = vector.unsigned_credential
    document["credentialSubject"]["grade"] = "A+"

    # when / then
    with pytest.raises(UndefinedTermError, match="grade"):
        sign_credential(
            document,
            private_key=vector.signing_key,
            verification_method=vector.verification_method,
            created=datetime(2026, 1, 1, tzinfo=UTC),
        )


def test_it_refuses_to_sign_twice(vector: OfficialVector) -> None:
    with pytest.raises(SigningError, match="already has a proof"):
        sign_credential(
            vector.signed_copy(),
            private_key=vector.signing_key,
            verification_method=vector.verification_method,
            created=datetime(2026, 1, 1, tzinfo=UTC),
        )


def test_it_refuses_a_naive_created_time(vector: OfficialVector) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_credential(
            vector.unsigned_credential,
            private_key=vector.signing_key,
            verification_method=vector.verification_method,
            created=datetime(2026, 1, 1),  # naive on purpose
        )


def test_a_fresh_key_signs_what_it_verifies(vector: OfficialVector) -> None:
    # given
    key = SigningKey.generate()
    issuer_id = vector.unsigned_credential["issuer"]["id"]
    method = f"{issuer_id}#{encode_public_key(key.verify_key)}"

    # when
    signed = sign_credential(
        vector.unsigned_credential,
        private_key=key,
        verification_method=method,
        created=datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=UTC),
    )

    # then
    assert signed["proof"]["created"] == "2026-03-04T05:06:07Z"
    assert verify_credential(signed, resolve_key={method: key.verify_key}.get).ok
