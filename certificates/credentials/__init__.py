"""Verifiable credentials for certificates: Open Badges 3.0, eddsa-rdfc-2022 proofs, status lists.

Pure library: no Django models, no network. Contexts come only from `contexts/`.
"""

from certificates.credentials.canonicalization import (
    CanonicalizationError,
    UndefinedTermError,
    canonical_nquads,
)
from certificates.credentials.data_integrity import (
    KeyResolver,
    ProofHashes,
    SigningError,
    VerificationFailure,
    VerificationOutcome,
    proof_hashes,
    sign_credential,
    verify_credential,
)
from certificates.credentials.document_loader import (
    ContextNotBundledError,
    load_bundled_document,
)
from certificates.credentials.keys import (
    IssuerKey,
    KeyFileError,
    KeyRing,
    issuer_key_load,
    issuer_key_load_or_create,
    key_ring_load,
    key_ring_rotate,
)
from certificates.credentials.multikey import (
    MultibaseError,
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
)
from certificates.credentials.open_badge import (
    AchievementDefinition,
    BadgeAward,
    EvidenceRecord,
    IssuerProfile,
    RecipientEmail,
    StatusListPosition,
    build_open_badge_credential,
    identity_hash,
    new_identity_salt,
)
from certificates.credentials.status_list import (
    StatusBitstring,
    StatusListError,
    build_status_list_credential,
    status_list_entry,
)

__all__ = [
    "AchievementDefinition",
    "BadgeAward",
    "CanonicalizationError",
    "ContextNotBundledError",
    "EvidenceRecord",
    "IssuerKey",
    "IssuerProfile",
    "KeyFileError",
    "KeyResolver",
    "KeyRing",
    "MultibaseError",
    "ProofHashes",
    "RecipientEmail",
    "SigningError",
    "StatusBitstring",
    "StatusListError",
    "StatusListPosition",
    "UndefinedTermError",
    "VerificationFailure",
    "VerificationOutcome",
    "build_open_badge_credential",
    "build_status_list_credential",
    "canonical_nquads",
    "decode_public_key",
    "decode_secret_key",
    "encode_public_key",
    "encode_secret_key",
    "identity_hash",
    "issuer_key_load",
    "issuer_key_load_or_create",
    "key_ring_load",
    "key_ring_rotate",
    "load_bundled_document",
    "new_identity_salt",
    "proof_hashes",
    "sign_credential",
    "status_list_entry",
    "verify_credential",
]
