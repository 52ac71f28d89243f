"""Issuer key files and the key ring."""

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from certificates.credentials import (
    KeyFileError,
    decode_public_key,
    issuer_key_load,
    issuer_key_load_or_create,
    key_ring_load,
    key_ring_rotate,
    sign_credential,
    verify_credential,
)
from certificates.credentials.keys import ACTIVE_KEY_POINTER, issuer_key_create

ISSUER_ID = "https://q.example/issuer"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _credential() -> dict[str, object]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:3f1f7f4e-8a7d-4c55-9a55-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER_ID,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }


def test_it_creates_a_key_file_on_first_use_readable_by_its_owner_only(tmp_path: Path) -> None:
    # given
    path = tmp_path / "keys" / "issuer.json"

    # when
    key = issuer_key_load_or_create(path)

    # then
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    content = json.loads(path.read_text())
    assert content["type"] == "Multikey"
    assert content["publicKeyMultibase"] == key.key_id
    assert bytes(decode_public_key(key.key_id)) == bytes(key.public_key)


def test_it_loads_the_same_key_on_later_uses(tmp_path: Path) -> None:
    path = tmp_path / "issuer.json"

    first = issuer_key_load_or_create(path)
    second = issuer_key_load_or_create(path)

    assert second.key_id == first.key_id
    assert bytes(second.signing_key) == bytes(first.signing_key)


def test_creating_over_an_existing_key_fails_rather_than_replacing_it(tmp_path: Path) -> None:
    path = tmp_path / "issuer.json"
    issuer_key_create(path)

    with pytest.raises(FileExistsError):
        issuer_key_create(path)


def test_it_refuses_a_key_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "issuer.json"
    issuer_key_create(path)
    path.chmod(0o644)

    with pytest.raises(KeyFileError, match="chmod 600"):
        issuer_key_load(path)


def test_it_refuses_a_key_file_whose_public_key_was_swapped(tmp_path: Path) -> None:
    # given
    path = tmp_path / "issuer.json"
    issuer_key_create(path)
    other = issuer_key_create(tmp_path / "other.json")
    content = json.loads(path.read_text())
    content["publicKeyMultibase"] = other.key_id
    path.write_text(json.dumps(content))

    # when / then
    with pytest.raises(KeyFileError, match="does not match"):
        issuer_key_load(path)


def test_it_refuses_a_corrupt_key_file(tmp_path: Path) -> None:
    path = tmp_path / "issuer.json"
    path.write_text("{not json")
    path.chmod(0o600)

    with pytest.raises(KeyFileError, match="cannot read"):
        issuer_key_load(path)


def test_a_key_ring_starts_with_one_active_key(tmp_path: Path) -> None:
    # when
    ring = key_ring_load(tmp_path / "ring")

    # then
    assert list(ring.public_keys) == [ring.active.key_id]
    assert _mode(tmp_path / "ring") == 0o700
    assert _mode(tmp_path / "ring" / f"{ring.active.key_id}.json") == 0o600
    assert (tmp_path / "ring" / ACTIVE_KEY_POINTER).read_text().strip() == ring.active.key_id
    assert key_ring_load(tmp_path / "ring").active.key_id == ring.active.key_id


def test_rotation_keeps_credentials_signed_by_the_old_key_verifiable(tmp_path: Path) -> None:
    # given: a credential signed before rotation
    directory = tmp_path / "ring"
    old_ring = key_ring_load(directory)
    old_credential = sign_credential(
        _credential(),
        private_key=old_ring.active.signing_key,
        verification_method=old_ring.active.verification_method(ISSUER_ID),
        created=datetime(2026, 1, 1, tzinfo=UTC),
    )

    # when
    new_ring = key_ring_rotate(directory)

    # then
    assert new_ring.active.key_id != old_ring.active.key_id
    assert set(new_ring.public_keys) == {old_ring.active.key_id, new_ring.active.key_id}
    assert key_ring_load(directory).active.key_id == new_ring.active.key_id
    resolver = key_ring_load(directory).key_resolver(issuer_id=ISSUER_ID)
    assert verify_credential(old_credential, resolve_key=resolver).ok


def test_the_resolver_knows_only_its_issuers_keys(tmp_path: Path) -> None:
    ring = key_ring_load(tmp_path / "ring")
    resolver = ring.key_resolver(issuer_id=ISSUER_ID)

    assert resolver(ring.active.verification_method(ISSUER_ID)) == ring.active.public_key
    assert resolver(ring.active.verification_method("https://other.example")) is None
    assert resolver(f"{ISSUER_ID}#z6MkUnknown") is None


def test_a_ring_whose_active_pointer_names_no_key_fails_loudly(tmp_path: Path) -> None:
    key_ring_load(tmp_path / "ring")
    (tmp_path / "ring" / ACTIVE_KEY_POINTER).write_text("../../etc/passwd\n")

    with pytest.raises(KeyFileError, match="does not name a key"):
        key_ring_load(tmp_path / "ring")
