"""Ed25519 issuer keys on disk, and the key ring that keeps retired keys verifiable.

A key file is JSON (`type`, `publicKeyMultibase`, `secretKeyMultibase`, `created`) readable by
its owner only. A key's id is its `publicKeyMultibase`, so a verification method
`<issuer id>#<key id>` names the key itself and can never point at a different one.

A key ring is a directory (mode 0700) of key files named `<key id>.json` plus a file `active`
holding the id of the key that signs. Rotating adds a key and moves `active`; old key files stay,
so credentials they signed still verify. Files are published with link/replace so that
concurrent processes (web workers, Celery) never read a half-written file and first use by two
processes at once ends with one key.
"""

import json
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from nacl.signing import SigningKey, VerifyKey

from certificates.credentials.data_integrity import KeyResolver
from certificates.credentials.multikey import (
    MultibaseError,
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
)
from certificates.credentials.xsd_datetime import to_xsd_datetime

KEY_FILE_MODE: Final = 0o600
KEY_DIRECTORY_MODE: Final = 0o700
KEY_FILE_SUFFIX: Final = ".json"
ACTIVE_KEY_POINTER: Final = "active"
_MULTIKEY_TYPE: Final = "Multikey"
# Group or world access to a secret key is refused, as ssh does, rather than silently tolerated.
_FORBIDDEN_MODE_BITS: Final = stat.S_IRWXG | stat.S_IRWXO


class KeyFileError(Exception):
    """A key file or key ring on disk is unreadable, corrupt or too widely accessible."""


@dataclass(frozen=True)
class IssuerKey:
    signing_key: SigningKey = field(repr=False)

    @property
    def public_key(self) -> VerifyKey:
        return self.signing_key.verify_key

    @property
    def key_id(self) -> str:
        return encode_public_key(self.public_key)

    def verification_method(self, issuer_id: str) -> str:
        return f"{issuer_id}#{self.key_id}"


@dataclass(frozen=True)
class KeyRing:
    active: IssuerKey
    public_keys: Mapping[str, VerifyKey]

    def public_key(self, key_id: str) -> VerifyKey | None:
        return self.public_keys.get(key_id)

    def key_resolver(self, *, issuer_id: str) -> KeyResolver:
        """A `resolve_key` for verify_credential that knows this ring's keys for `issuer_id`."""

        def resolve(verification_method: str) -> VerifyKey | None:
            controller, _, key_id = verification_method.partition("#")
            return self.public_key(key_id) if controller == issuer_id else None

        return resolve


def issuer_key_create(path: Path) -> IssuerKey:
    """Generate a key and write it to `path` (0600); raise FileExistsError if `path` exists."""
    key = IssuerKey(SigningKey.generate())
    _write_key_file(path, key)
    return key


def issuer_key_load(path: Path) -> IssuerKey:
    """Read a key file; raise KeyFileError if it is group/world accessible or corrupt."""
    try:
        mode = path.stat().st_mode
        content = json.loads(path.read_text(encoding="utf-8"))
        key = IssuerKey(decode_secret_key(content["secretKeyMultibase"]))
        recorded_public_key = content["publicKeyMultibase"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise KeyFileError(f"cannot read key file {path}: {error}") from error
    if mode & _FORBIDDEN_MODE_BITS:
        raise KeyFileError(
            f"{path} is accessible to group or others (mode {stat.S_IMODE(mode):o}); "
            f"run chmod 600 {path}"
        )
    if recorded_public_key != key.key_id:
        raise KeyFileError(f"{path}: publicKeyMultibase does not match the secret key")
    return key


def issuer_key_load_or_create(path: Path) -> IssuerKey:
    """Load the key at `path`, creating it on first use. Safe when processes race."""
    try:
        return issuer_key_create(path)
    except FileExistsError:
        return issuer_key_load(path)


def key_ring_load(directory: Path) -> KeyRing:
    """Load the ring in `directory`, creating the directory and a first active key if needed."""
    pointer = directory / ACTIVE_KEY_POINTER
    if not pointer.exists():
        _create_first_key(directory)
    active = issuer_key_load(_key_path(directory, _read_active_key_id(pointer)))
    ring_keys = [issuer_key_load(path) for path in sorted(directory.glob(f"*{KEY_FILE_SUFFIX}"))]
    return KeyRing(active=active, public_keys={key.key_id: key.public_key for key in ring_keys})


def key_ring_rotate(directory: Path) -> KeyRing:
    """Add a new key to the ring and make it active; earlier keys stay for verification."""
    key_ring_load(directory)  # the ring must exist and be sound before it changes
    new_key = _new_key_in(directory)
    _replace_atomically(directory / ACTIVE_KEY_POINTER, new_key.key_id + "\n")
    return key_ring_load(directory)


def _create_first_key(directory: Path) -> None:
    key = _new_key_in(directory)
    try:
        _publish_exclusively(directory / ACTIVE_KEY_POINTER, key.key_id + "\n")
    except FileExistsError:
        # Another process initialised the ring first; its key is active and ours never signed.
        _key_path(directory, key.key_id).unlink()


def _new_key_in(directory: Path) -> IssuerKey:
    key = IssuerKey(SigningKey.generate())
    _write_key_file(_key_path(directory, key.key_id), key)
    return key


def _read_active_key_id(pointer: Path) -> str:
    try:
        key_id = pointer.read_text(encoding="utf-8").strip()
        decode_public_key(key_id)  # also guarantees the id cannot smuggle in a path
    except (OSError, MultibaseError) as error:
        raise KeyFileError(f"{pointer} does not name a key: {error}") from error
    return key_id


def _key_path(directory: Path, key_id: str) -> Path:
    return directory / f"{key_id}{KEY_FILE_SUFFIX}"


def _write_key_file(path: Path, key: IssuerKey) -> None:
    content = {
        "type": _MULTIKEY_TYPE,
        "publicKeyMultibase": key.key_id,
        "secretKeyMultibase": encode_secret_key(key.signing_key),
        "created": to_xsd_datetime(datetime.now(UTC)),
    }
    _ensure_private_directory(path.parent)
    _publish_exclusively(path, json.dumps(content, indent=2) + "\n")


def _ensure_private_directory(directory: Path) -> None:
    """Create `directory` with mode 0700 if missing; an existing directory is left as it is."""
    try:
        directory.mkdir(mode=KEY_DIRECTORY_MODE, parents=True)
    except FileExistsError:
        return
    directory.chmod(KEY_DIRECTORY_MODE)  # mkdir's mode is filtered by the umask


def _write_private_temporary(directory: Path, text: str) -> Path:
    """Write `text` to a new 0600 file in `directory` (mkstemp's mode), flushed to disk."""
    descriptor, name = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    with os.fdopen(descriptor, "w", encoding="utf-8") as temporary:
        temporary.write(text)
        temporary.flush()
        os.fsync(temporary.fileno())
    return Path(name)


def _publish_exclusively(path: Path, text: str) -> None:
    """Make `path` appear complete with `text`, or raise FileExistsError if it already exists."""
    temporary = _write_private_temporary(path.parent, text)
    try:
        os.link(temporary, path)  # atomic and, unlike rename, refuses to overwrite
    finally:
        temporary.unlink()


def _replace_atomically(path: Path, text: str) -> None:
    temporary = _write_private_temporary(path.parent, text)
    try:
        temporary.replace(path)
    except OSError:
        temporary.unlink()
        raise
