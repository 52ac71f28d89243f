"""The official OB 3.0 eddsa-rdfc-2022 test vector, reproduced byte for byte."""

from datetime import datetime

from official_vector import OfficialVector

from certificates.credentials import (
    canonical_nquads,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
    proof_hashes,
    sign_credential,
    verify_credential,
)


def _proof_options(vector: OfficialVector) -> dict[str, str]:
    options = vector.proof
    del options["proofValue"]
    return options


def test_it_canonicalizes_the_document_to_the_vector_nquads(vector: OfficialVector) -> None:
    assert canonical_nquads(vector.unsigned_credential) == vector.document_canon


def test_it_canonicalizes_the_proof_options_to_the_vector_nquads(vector: OfficialVector) -> None:
    hashes = proof_hashes(vector.unsigned_credential, _proof_options(vector))

    assert hashes.proof_nquads == vector.proof_canon
    assert hashes.document_nquads == vector.document_canon


def test_it_hashes_proof_and_document_as_the_vector(vector: OfficialVector) -> None:
    hashes = proof_hashes(vector.unsigned_credential, _proof_options(vector))

    assert hashes.proof_hash.hex() == vector.keys["proofHashHex"]
    assert hashes.document_hash.hex() == vector.keys["documentHashHex"]
    assert hashes.signed_bytes == hashes.proof_hash + hashes.document_hash


def test_it_signs_the_vector_document_into_the_vector_credential(vector: OfficialVector) -> None:
    # given
    created = datetime.fromisoformat(vector.proof["created"])

    # when
    signed = sign_credential(
        vector.unsigned_credential,
        private_key=vector.signing_key,
        verification_method=vector.verification_method,
        created=created,
    )

    # then: same proofValue, same proof, same everything
    assert signed["proof"]["proofValue"] == vector.proof["proofValue"]
    assert signed == vector.signed_credential


def test_it_verifies_the_signed_vector(vector: OfficialVector) -> None:
    outcome = verify_credential(vector.signed_copy(), resolve_key=vector.resolver())

    assert outcome.ok
    assert outcome.reason is None
    assert outcome.verification_method == vector.verification_method


def test_the_vector_key_pair_round_trips_through_multikey(vector: OfficialVector) -> None:
    public_multikey = encode_public_key(vector.signing_key.verify_key)
    secret_multikey = encode_secret_key(vector.signing_key)

    assert public_multikey == vector.keys["publicKeyMultibase"]
    assert vector.verification_method.endswith("#" + public_multikey)
    assert bytes(decode_secret_key(secret_multikey)) == bytes(vector.signing_key)
    assert bytes(vector.signing_key.verify_key).hex() == vector.keys["publicKeyHex"]
