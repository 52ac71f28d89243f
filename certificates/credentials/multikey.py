"""Multibase / Multikey encoding of Ed25519 keys and signatures (W3C Controlled Identifiers).

A public key is `z` + base58btc(0xed 0x01 || 32-byte key) and a secret key is
`z` + base58btc(0x80 0x26 || 32-byte seed): the multicodec varints of `ed25519-pub` (0xed)
and `ed25519-priv` (0x1300).
"""

from typing import Final

import base58
from nacl.signing import SigningKey, VerifyKey

BASE58BTC_PREFIX: Final = "z"
ED25519_PUBLIC_KEY_PREFIX: Final = b"\xed\x01"
ED25519_SECRET_KEY_PREFIX: Final = b"\x80\x26"
ED25519_KEY_LENGTH: Final = 32


class MultibaseError(ValueError):
    """A value is not the multibase / multikey encoding that was expected."""


def encode_base58btc(raw: bytes) -> str:
    return BASE58BTC_PREFIX + base58.b58encode(raw).decode("ascii")


def decode_base58btc(encoded: str) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith(BASE58BTC_PREFIX):
        raise MultibaseError("expected a multibase base58btc string starting with 'z'")
    try:
        return bytes(base58.b58decode(encoded[1:]))
    except ValueError as error:
        raise MultibaseError(f"invalid base58btc: {error}") from error


def encode_public_key(key: VerifyKey) -> str:
    """Return the `publicKeyMultibase` of an Ed25519 public key."""
    return encode_base58btc(ED25519_PUBLIC_KEY_PREFIX + bytes(key))


def decode_public_key(multikey: str) -> VerifyKey:
    """Parse an Ed25519 `publicKeyMultibase`; raise MultibaseError for anything else."""
    return VerifyKey(_unprefixed_key(multikey, ED25519_PUBLIC_KEY_PREFIX, "public"))


def encode_secret_key(key: SigningKey) -> str:
    """Return the `secretKeyMultibase` of an Ed25519 signing key (its 32-byte seed)."""
    return encode_base58btc(ED25519_SECRET_KEY_PREFIX + bytes(key))


def decode_secret_key(multikey: str) -> SigningKey:
    """Parse an Ed25519 `secretKeyMultibase`; raise MultibaseError for anything else."""
    return SigningKey(_unprefixed_key(multikey, ED25519_SECRET_KEY_PREFIX, "secret"))


def _unprefixed_key(multikey: str, prefix: bytes, kind: str) -> bytes:
    raw = decode_base58btc(multikey)
    if not raw.startswith(prefix) or len(raw) != len(prefix) + ED25519_KEY_LENGTH:
        raise MultibaseError(f"not an Ed25519 {kind} key multikey")
    return raw[len(prefix) :]
