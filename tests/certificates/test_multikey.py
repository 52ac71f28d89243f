"""Multikey encoding of Ed25519 keys."""

import pytest
from nacl.signing import SigningKey

from certificates.credentials import (
    MultibaseError,
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
)

# The key pair published in W3C vc-di-eddsa ("Representation: eddsa-rdfc-2022" test vectors).
SPEC_PUBLIC_KEY_MULTIBASE = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_SECRET_KEY_MULTIBASE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


def test_the_spec_secret_key_derives_the_spec_public_key() -> None:
    signing_key = decode_secret_key(SPEC_SECRET_KEY_MULTIBASE)

    assert encode_public_key(signing_key.verify_key) == SPEC_PUBLIC_KEY_MULTIBASE
    assert encode_secret_key(signing_key) == SPEC_SECRET_KEY_MULTIBASE


def test_public_keys_start_with_the_ed25519_multicodec() -> None:
    encoded = encode_public_key(SigningKey.generate().verify_key)

    assert encoded.startswith("z6Mk")
    assert decode_public_key(encoded) is not None


@pytest.mark.parametrize(
    "value",
    [
        SPEC_SECRET_KEY_MULTIBASE,  # a secret key where a public key is expected
        SPEC_PUBLIC_KEY_MULTIBASE[1:],  # no multibase prefix
        "u" + SPEC_PUBLIC_KEY_MULTIBASE[1:],  # base64url prefix
        SPEC_PUBLIC_KEY_MULTIBASE[:-2],  # truncated
        "z0OIl",  # not in the base58 alphabet
    ],
)
def test_it_refuses_what_is_not_an_ed25519_public_multikey(value: str) -> None:
    with pytest.raises(MultibaseError):
        decode_public_key(value)


def test_it_refuses_a_public_key_where_a_secret_key_is_expected() -> None:
    with pytest.raises(MultibaseError, match="secret"):
        decode_secret_key(SPEC_PUBLIC_KEY_MULTIBASE)
