"""W3C Bitstring Status List encoding."""

import base64
import gzip
from datetime import UTC, datetime

import pytest
from nacl.signing import SigningKey

from certificates.credentials import (
    StatusBitstring,
    StatusListError,
    build_status_list_credential,
    encode_public_key,
    sign_credential,
    status_list_entry,
    verify_credential,
)
from certificates.credentials.status_list import MAX_STATUS_LIST_BYTES, MIN_STATUS_LIST_BITS

# The all-clear 16 KB list in the Bitstring Status List v1.0 examples.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _encoded(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw)).rstrip(b"=").decode()


def test_a_new_list_is_16_kb_and_all_clear() -> None:
    bitstring = StatusBitstring.empty()

    assert bitstring.length == MIN_STATUS_LIST_BITS == 131_072
    assert len(bitstring.bits) == 16 * 1024
    assert bitstring.set_indices() == []


def test_it_decodes_the_spec_example() -> None:
    bitstring = StatusBitstring.decode(SPEC_EMPTY_LIST)

    assert bitstring.length == MIN_STATUS_LIST_BITS
    assert bitstring.set_indices() == []


def test_index_zero_is_the_most_significant_bit_of_the_first_byte() -> None:
    bitstring = StatusBitstring.empty().with_bit(0, True).with_bit(9, True)

    assert bitstring.bits[:2] == bytes([0b1000_0000, 0b0100_0000])


def test_the_last_index_is_the_least_significant_bit_of_the_last_byte() -> None:
    bitstring = StatusBitstring.empty().with_bit(MIN_STATUS_LIST_BITS - 1, True)

    assert bitstring.bits[-1] == 0b0000_0001


def test_setting_a_bit_returns_a_new_list_and_leaves_the_old_one() -> None:
    # given
    original = StatusBitstring.empty()

    # when
    revoked = original.with_bit(94567, True)

    # then
    assert revoked.get(94567)
    assert not revoked.get(94566)
    assert not original.get(94567)
    assert not revoked.with_bit(94567, False).get(94567)


def test_it_round_trips_through_the_encoded_form() -> None:
    bitstring = StatusBitstring.empty().with_bit(3, True).with_bit(94567, True)

    encoded = bitstring.encode()

    assert encoded.startswith("u")
    assert "=" not in encoded
    assert StatusBitstring.decode(encoded) == bitstring
    assert StatusBitstring.decode(encoded).set_indices() == [3, 94567]


def test_encoding_is_deterministic() -> None:
    assert StatusBitstring.empty().encode() == StatusBitstring.empty().encode()


def test_it_decodes_a_list_compressed_by_another_encoder() -> None:
    raw = bytearray(16 * 1024)
    raw[0] = 0b0010_0000

    assert StatusBitstring.decode(_encoded(bytes(raw))).set_indices() == [2]


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("z" + SPEC_EMPTY_LIST[1:], "prefix 'u'"),
        ("u!!!!", "base64url"),
        ("u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="), "GZIP"),
        (_encoded(bytes(1024)), "at least 131072 bits"),
        (SPEC_EMPTY_LIST[:-10], "truncated|GZIP|base64url"),
    ],
    # Named ids: a gzip header holds a timestamp, and xdist needs identical ids in every worker.
    ids=["wrong-prefix", "not-base64url", "not-gzip", "too-short", "truncated"],
)
def test_it_refuses_malformed_lists(encoded: str, message: str) -> None:
    with pytest.raises(StatusListError, match=message):
        StatusBitstring.decode(encoded)


def test_it_refuses_a_decompression_bomb() -> None:
    with pytest.raises(StatusListError, match="inflates past"):
        StatusBitstring.decode(_encoded(bytes(MAX_STATUS_LIST_BYTES + 1)))


@pytest.mark.parametrize("index", [-1, MIN_STATUS_LIST_BITS])
def test_it_refuses_indices_outside_the_list(index: int) -> None:
    with pytest.raises(IndexError):
        StatusBitstring.empty().get(index)


def test_a_list_below_the_minimum_size_is_refused() -> None:
    with pytest.raises(StatusListError):
        StatusBitstring.empty(MIN_STATUS_LIST_BITS - 8)


def test_the_status_entry_points_at_one_bit_of_the_list() -> None:
    entry = status_list_entry(status_list_credential="https://q.example/status/1", index=94567)

    assert entry == {
        "id": "https://q.example/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://q.example/status/1",
    }


def test_a_status_list_credential_signs_and_verifies() -> None:
    # given
    key = SigningKey.generate()
    issuer_id = "https://q.example/issuer"
    method = f"{issuer_id}#{encode_public_key(key.verify_key)}"
    credential = build_status_list_credential(
        credential_id="https://q.example/status/1",
        issuer=issuer_id,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        bitstring=StatusBitstring.empty().with_bit(7, True),
    )

    # when
    signed = sign_credential(
        credential, private_key=key, verification_method=method, created=datetime.now(UTC)
    )

    # then
    assert signed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert signed["credentialSubject"]["id"] == "https://q.example/status/1#list"
    assert StatusBitstring.decode(signed["credentialSubject"]["encodedList"]).get(7)
    assert verify_credential(signed, resolve_key={method: key.verify_key}.get).ok
