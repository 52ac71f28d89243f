"""The official Open Badges 3.0 eddsa-rdfc-2022 test vector (1EdTech), as the tests use it.

The files are copies in `fixtures/openbadges/`, so the tests need nothing outside the repository;
`test_credentials_contexts.py` checks the copies against `shared/` when it is there.
"""

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey, VerifyKey

from certificates.credentials import KeyResolver, decode_public_key

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures" / "openbadges"
VECTOR_FILES = (
    "test-vector-signed-credential.json",
    "test-vector-document-canon.nq",
    "test-vector-proof-canon.nq",
    "test-vector-keys.json",
)


@dataclass(frozen=True)
class OfficialVector:
    signed_credential: dict[str, Any]
    document_canon: str
    proof_canon: str
    keys: dict[str, str]

    def signed_copy(self) -> dict[str, Any]:
        return copy.deepcopy(self.signed_credential)

    @property
    def unsigned_credential(self) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in self.signed_credential.items() if k != "proof"}

    @property
    def proof(self) -> dict[str, Any]:
        return copy.deepcopy(self.signed_credential["proof"])

    @property
    def signing_key(self) -> SigningKey:
        # privateKeyHex is NaCl's 64-byte form: the 32-byte seed followed by the public key.
        return SigningKey(bytes.fromhex(self.keys["privateKeyHex"])[:32])

    @property
    def public_key(self) -> VerifyKey:
        return decode_public_key(self.keys["publicKeyMultibase"])

    @property
    def verification_method(self) -> str:
        method: str = self.signed_credential["proof"]["verificationMethod"]
        return method

    def resolver(self) -> KeyResolver:
        known = {self.verification_method: self.public_key}
        return known.get


def load_official_vector() -> OfficialVector:
    def read(name: str) -> str:
        return (FIXTURES_DIR / name).read_text(encoding="utf-8")

    return OfficialVector(
        signed_credential=json.loads(read("test-vector-signed-credential.json")),
        document_canon=read("test-vector-document-canon.nq"),
        proof_canon=read("test-vector-proof-canon.nq"),
        keys=json.loads(read("test-vector-keys.json")),
    )
