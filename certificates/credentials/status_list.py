"""W3C Bitstring Status List v1.0: the revocation list credentials point into.

Bit `i` is the `i`-th bit counting from the left-most (most significant) bit of the first byte;
a set bit means the status (revoked, for purpose `revocation`) applies. The published form is
GZIP of the bitstring, base64url without padding, with the multibase prefix `u`.
"""

import base64
import binascii
import gzip
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Self

from certificates.credentials.document_loader import VC_V2_CONTEXT_URL
from certificates.credentials.xsd_datetime import to_xsd_datetime

# The spec's minimum (16 KB): a list this large hides which credential a verifier checks.
MIN_STATUS_LIST_BITS: Final = 131_072
# Refuse lists that inflate past this (a 16 KB list gzips to ~100 bytes: a zip bomb is cheap).
MAX_STATUS_LIST_BYTES: Final = 16 * 1024 * 1024
MULTIBASE_BASE64URL_PREFIX: Final = "u"
STATUS_PURPOSE_REVOCATION: Final = "revocation"
STATUS_PURPOSE_SUSPENSION: Final = "suspension"
BITS_PER_BYTE: Final = 8
# gzip container (RFC 1952) rather than raw deflate or zlib framing.
_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS


class StatusListError(ValueError):
    """An encoded status list is not valid."""


@dataclass(frozen=True)
class StatusBitstring:
    """An immutable status bitstring; `with_bit` returns a changed copy."""

    bits: bytes

    def __post_init__(self) -> None:
        if len(self.bits) * BITS_PER_BYTE < MIN_STATUS_LIST_BITS:
            raise StatusListError(
                f"a status list holds at least {MIN_STATUS_LIST_BITS} bits, "
                f"got {len(self.bits) * BITS_PER_BYTE}"
            )

    @classmethod
    def empty(cls, length: int = MIN_STATUS_LIST_BITS) -> Self:
        """A list of `length` bits (a multiple of 8, at least the minimum), all clear."""
        if length % BITS_PER_BYTE:
            raise ValueError(f"length {length} is not a whole number of bytes")
        return cls(bytes(length // BITS_PER_BYTE))

    @property
    def length(self) -> int:
        return len(self.bits) * BITS_PER_BYTE

    def get(self, index: int) -> bool:
        byte_index, mask = self._locate(index)
        return bool(self.bits[byte_index] & mask)

    def with_bit(self, index: int, value: bool) -> Self:
        byte_index, mask = self._locate(index)
        changed = bytearray(self.bits)
        if value:
            changed[byte_index] |= mask
        else:
            changed[byte_index] &= ~mask
        return type(self)(bytes(changed))

    def set_indices(self) -> list[int]:
        """Every index whose bit is set, in ascending order."""
        return [
            byte_index * BITS_PER_BYTE + bit_offset
            for byte_index, byte in enumerate(self.bits)
            if byte
            for bit_offset in range(BITS_PER_BYTE)
            if byte & (0x80 >> bit_offset)
        ]

    def encode(self) -> str:
        """The `encodedList` value: `u` + base64url(gzip(bits)), no padding."""
        # mtime=0 keeps the output a pure function of the bits, so republishing is stable.
        compressed = gzip.compress(self.bits, mtime=0)
        encoded = base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")
        return MULTIBASE_BASE64URL_PREFIX + encoded

    @classmethod
    def decode(cls, encoded_list: str) -> Self:
        """Parse an `encodedList`; raise StatusListError for anything malformed or oversized."""
        if not encoded_list.startswith(MULTIBASE_BASE64URL_PREFIX):
            raise StatusListError("encodedList must be multibase base64url (prefix 'u')")
        payload = encoded_list[len(MULTIBASE_BASE64URL_PREFIX) :]
        try:
            compressed = base64.b64decode(
                payload + "=" * (-len(payload) % 4), altchars=b"-_", validate=True
            )
        except binascii.Error as error:
            raise StatusListError(f"encodedList is not base64url: {error}") from error
        return cls(_gunzip_bounded(compressed))

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.length:
            raise IndexError(f"status index {index} outside 0..{self.length - 1}")
        byte_index, bit_offset = divmod(index, BITS_PER_BYTE)
        return byte_index, 0x80 >> bit_offset


def _gunzip_bounded(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
    try:
        bits = inflater.decompress(compressed, MAX_STATUS_LIST_BYTES)
    except zlib.error as error:
        raise StatusListError(f"encodedList is not GZIP data: {error}") from error
    if inflater.unconsumed_tail:
        raise StatusListError(f"status list inflates past {MAX_STATUS_LIST_BYTES} bytes")
    if not inflater.eof:
        raise StatusListError("encodedList GZIP stream is truncated")
    return bits


def status_list_entry(
    *, status_list_credential: str, index: int, purpose: str = STATUS_PURPOSE_REVOCATION
) -> dict[str, Any]:
    """The `credentialStatus` value pointing at bit `index` of a status list credential."""
    if index < 0:
        raise ValueError("a status list index is not negative")
    return {
        "id": f"{status_list_credential}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": status_list_credential,
    }


def build_status_list_credential(
    *,
    credential_id: str,
    issuer: str | Mapping[str, Any],
    valid_from: datetime,
    bitstring: StatusBitstring,
    purpose: str = STATUS_PURPOSE_REVOCATION,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned `BitstringStatusListCredential`; sign it with `sign_credential`."""
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT_URL],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": to_xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = to_xsd_datetime(valid_until)
    credential["credentialSubject"] = {
        "id": f"{credential_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    return credential
