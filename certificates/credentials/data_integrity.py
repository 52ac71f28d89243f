"""`DataIntegrityProof` with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

Signing: canonicalise the proof options (carrying the document's `@context`) and the document
without its proof with RDFC-1.0, SHA-256 each, sign proofHash || documentHash with Ed25519 and
store `z` + base58btc(signature) as `proofValue`.

Beyond the cryptosuite, verification enforces two policies of ours:
- the proof purpose is `assertionMethod`, the only one a credential issuer uses;
- the verification method is controlled by the issuer: its URL without the fragment is the
  issuer id (`https://quayside.example/issuer#z6Mk...`, `did:web:...#key-1`). Without this, any
  key the resolver knows could vouch for any issuer named in the document.
"""

import copy
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from certificates.credentials.canonicalization import CanonicalizationError, canonical_nquads
from certificates.credentials.document_loader import ContextNotBundledError
from certificates.credentials.multikey import MultibaseError, decode_base58btc, encode_base58btc
from certificates.credentials.xsd_datetime import parse_xsd_datetime, to_xsd_datetime

PROOF_TYPE: Final = "DataIntegrityProof"
CRYPTOSUITE: Final = "eddsa-rdfc-2022"
ASSERTION_METHOD: Final = "assertionMethod"
ED25519_SIGNATURE_LENGTH: Final = 64

KeyResolver = Callable[[str], VerifyKey | None]
"""Maps a verification method URL to the public key it names, or None when unknown."""


class VerificationFailure(StrEnum):
    MALFORMED = "malformed"
    UNSUPPORTED_CRYPTOSUITE = "unsupported_cryptosuite"
    UNSUPPORTED_CONTEXT = "unsupported_context"
    WRONG_PROOF_PURPOSE = "wrong_proof_purpose"
    ISSUER_MISMATCH = "issuer_mismatch"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class VerificationOutcome:
    ok: bool
    reason: VerificationFailure | None = None
    detail: str = ""
    verification_method: str | None = None


@dataclass(frozen=True)
class ProofHashes:
    """The intermediate values of the cryptosuite, exposed so they can be checked and logged."""

    proof_nquads: str
    document_nquads: str

    @property
    def proof_hash(self) -> bytes:
        return hashlib.sha256(self.proof_nquads.encode("utf-8")).digest()

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.document_nquads.encode("utf-8")).digest()

    @property
    def signed_bytes(self) -> bytes:
        return self.proof_hash + self.document_hash


class SigningError(ValueError):
    """The document cannot be signed as given."""


class _VerificationFailedError(Exception):
    def __init__(self, reason: VerificationFailure, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def proof_hashes(
    unsecured_document: Mapping[str, Any], proof_options: Mapping[str, Any]
) -> ProofHashes:
    """Canonicalise proof options (given the document's @context) and the document.

    Raises CanonicalizationError (or its subclass UndefinedTermError) and ContextNotBundledError.
    """
    proof_config = {**proof_options, "@context": unsecured_document["@context"]}
    proof_config.pop("proofValue", None)
    return ProofHashes(
        proof_nquads=canonical_nquads(proof_config),
        document_nquads=canonical_nquads(unsecured_document),
    )


def sign_credential(
    document: Mapping[str, Any],
    *,
    private_key: SigningKey,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """Return a copy of `document` with an `eddsa-rdfc-2022` DataIntegrityProof added.

    The document must have an `@context`, no `proof`, only terms its contexts define, and an
    issuer that controls `verification_method`. Raises SigningError, ContextNotBundledError or
    CanonicalizationError. Deterministic: Ed25519 signatures carry no randomness.
    """
    if "@context" not in document:
        raise SigningError("the document has no @context")
    if "proof" in document:
        raise SigningError("the document already has a proof")
    issuer_id = _issuer_id(document)
    if issuer_id is None or _controller_of(verification_method) != issuer_id:
        raise SigningError(
            f"verification method {verification_method!r} is not controlled by issuer {issuer_id!r}"
        )
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "created": to_xsd_datetime(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": ASSERTION_METHOD,
    }
    unsecured = copy.deepcopy(dict(document))
    signature = private_key.sign(proof_hashes(unsecured, proof).signed_bytes).signature
    proof["proofValue"] = encode_base58btc(signature)
    return {**unsecured, "proof": proof}


def verify_credential(
    document: Mapping[str, Any], *, resolve_key: KeyResolver
) -> VerificationOutcome:
    """Verify the single `eddsa-rdfc-2022` proof on a credential.

    Checks the proof and the issuer's control of the key only; validFrom/validUntil and status
    are the caller's policy. Never raises for bad input: every failure is an outcome.
    """
    verification_method = None
    try:
        unsecured, proof = _split_proof(document)
        verification_method = _checked_proof_options(unsecured, proof)
        signature = _decoded_signature(proof.get("proofValue"))
        public_key = resolve_key(verification_method)
        if public_key is None:
            raise _VerificationFailedError(
                VerificationFailure.UNKNOWN_KEY, f"no key known for {verification_method!r}"
            )
        hashes = _hashes_for_verification(unsecured, proof)
        try:
            public_key.verify(hashes.signed_bytes, signature)
        except BadSignatureError as error:
            raise _VerificationFailedError(
                VerificationFailure.BAD_SIGNATURE, "the signature does not match the document"
            ) from error
    except _VerificationFailedError as failure:
        return VerificationOutcome(
            ok=False,
            reason=failure.reason,
            detail=failure.detail,
            verification_method=verification_method,
        )
    return VerificationOutcome(ok=True, verification_method=verification_method)


def _split_proof(document: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(document, Mapping) or "@context" not in document:
        raise _VerificationFailedError(VerificationFailure.MALFORMED, "not a JSON-LD document")
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise _VerificationFailedError(
            VerificationFailure.MALFORMED, "expected exactly one proof object"
        )
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    return unsecured, proof


def _checked_proof_options(unsecured: dict[str, Any], proof: dict[str, Any]) -> str:
    """Check the proof's options against the cryptosuite and our policy; return its key URL."""
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise _VerificationFailedError(
            VerificationFailure.UNSUPPORTED_CRYPTOSUITE,
            f"proof is {proof.get('type')!r}/{proof.get('cryptosuite')!r}, "
            f"expected {PROOF_TYPE}/{CRYPTOSUITE}",
        )
    if proof.get("proofPurpose") != ASSERTION_METHOD:
        raise _VerificationFailedError(
            VerificationFailure.WRONG_PROOF_PURPOSE,
            f"proof purpose {proof.get('proofPurpose')!r} is not {ASSERTION_METHOD!r}",
        )
    verification_method = proof.get("verificationMethod")
    if not isinstance(verification_method, str):
        raise _VerificationFailedError(VerificationFailure.MALFORMED, "no verificationMethod")
    _check_created(proof)
    _check_proof_context(unsecured, proof)
    issuer_id = _issuer_id(unsecured)
    if issuer_id is None:
        raise _VerificationFailedError(VerificationFailure.MALFORMED, "no issuer id")
    if _controller_of(verification_method) != issuer_id:
        raise _VerificationFailedError(
            VerificationFailure.ISSUER_MISMATCH,
            f"verification method {verification_method!r} does not belong to {issuer_id!r}",
        )
    return verification_method


def _check_created(proof: dict[str, Any]) -> None:
    created = proof.get("created")
    if created is None:
        return  # optional in Data Integrity 1.0
    try:
        parse_xsd_datetime(created)
    except (TypeError, ValueError) as error:
        raise _VerificationFailedError(
            VerificationFailure.MALFORMED, f"proof created {created!r} is not a dateTime"
        ) from error


def _check_proof_context(unsecured: dict[str, Any], proof: dict[str, Any]) -> None:
    """vc-di-eddsa, Verify Proof: a proof's own @context must be a prefix of the document's."""
    if "@context" not in proof:
        return
    proof_context = _as_list(proof["@context"])
    if _as_list(unsecured["@context"])[: len(proof_context)] != proof_context:
        raise _VerificationFailedError(
            VerificationFailure.MALFORMED, "the proof @context does not prefix the document's"
        )


def _decoded_signature(proof_value: object) -> bytes:
    if not isinstance(proof_value, str):
        raise _VerificationFailedError(VerificationFailure.MALFORMED, "no proofValue")
    try:
        signature = decode_base58btc(proof_value)
    except MultibaseError as error:
        raise _VerificationFailedError(
            VerificationFailure.MALFORMED, f"proofValue is not base58btc: {error}"
        ) from error
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise _VerificationFailedError(
            VerificationFailure.MALFORMED,
            f"proofValue holds {len(signature)} bytes, not a {ED25519_SIGNATURE_LENGTH}-byte "
            "Ed25519 signature",
        )
    return signature


def _hashes_for_verification(unsecured: dict[str, Any], proof: dict[str, Any]) -> ProofHashes:
    proof_options = {key: value for key, value in proof.items() if key != "@context"}
    try:
        return proof_hashes(unsecured, proof_options)
    except ContextNotBundledError as error:
        raise _VerificationFailedError(
            VerificationFailure.UNSUPPORTED_CONTEXT, str(error)
        ) from error
    except CanonicalizationError as error:
        raise _VerificationFailedError(VerificationFailure.MALFORMED, str(error)) from error


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _controller_of(verification_method: str) -> str:
    return verification_method.split("#", 1)[0]


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]
