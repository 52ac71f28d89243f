"""The tool's RSA key pairs: what LTI platforms verify our signed messages with.

Keys live in `settings.LTI_KEY_DIR`, beside the certificate keys and kept the same way: a 0700
folder of 0600 PEM files, never in the database. A file is named `<created>-<kid>.pem`, where
`created` is a UTC timestamp and `kid` the key's RFC 7638 thumbprint. The newest key signs. On
rotation the previous key stays in the JWKS for `LTI_KEY_OVERLAP_DAYS` (platforms cache key
sets), after which the next rotation moves it into `retired/`.
"""

import itertools
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from jwcrypto.jwk import JWK

KEY_FILE_MODE: Final = 0o600
KEY_DIRECTORY_MODE: Final = 0o700
KEY_SUFFIX: Final = ".pem"
RETIRED_FOLDER: Final = "retired"
# RS256 is what LTI 1.3 requires; 2048 bits is the floor the IMS security framework sets.
RSA_KEY_BITS: Final = 2048
RSA_PUBLIC_EXPONENT: Final = 65537
_TIMESTAMP_FORMAT: Final = "%Y%m%dT%H%M%S%fZ"
_FORBIDDEN_MODE_BITS: Final = stat.S_IRWXG | stat.S_IRWXO


class ToolKeyError(Exception):
    """A key file is unreadable, corrupt or readable by others."""


@dataclass(frozen=True)
class ToolKey:
    kid: str
    created: datetime
    private_pem: str
    path: Path

    @property
    def public_pem(self) -> str:
        return JWK.from_pem(self.private_pem.encode()).export_to_pem().decode()

    def public_jwk(self) -> dict[str, Any]:
        jwk = JWK.from_pem(self.private_pem.encode())
        public: dict[str, Any] = jwk.export_public(as_dict=True)
        return {**public, "kid": self.kid, "alg": "RS256", "use": "sig"}


def _directory() -> Path:
    directory: Path = settings.LTI_KEY_DIR
    directory.mkdir(mode=KEY_DIRECTORY_MODE, parents=True, exist_ok=True)
    return directory


def _load(path: Path) -> ToolKey:
    try:
        mode = path.stat().st_mode
        pem = path.read_text(encoding="ascii")
        jwk = JWK.from_pem(pem.encode())
        stamp, _, kid = path.stem.partition("-")
        created = datetime.strptime(stamp, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except (OSError, ValueError, TypeError) as error:
        raise ToolKeyError(f"cannot read LTI key file {path}: {error}") from error
    if mode & _FORBIDDEN_MODE_BITS:
        raise ToolKeyError(
            f"{path} is accessible to group or others (mode {stat.S_IMODE(mode):o}); "
            f"run chmod 600 {path}"
        )
    if not jwk.has_private or jwk.thumbprint() != kid:
        raise ToolKeyError(f"{path}: the file name does not match the private key it holds")
    return ToolKey(kid=kid, created=created, private_pem=pem, path=path)


def _keys_newest_first() -> list[ToolKey]:
    paths = sorted(_directory().glob(f"*{KEY_SUFFIX}"), reverse=True)
    return [_load(path) for path in paths]


def tool_key_create(*, now: datetime | None = None) -> ToolKey:
    """Generate a key pair and write it (0600); it becomes the signing key."""
    created = (now or datetime.now(UTC)).astimezone(UTC)
    private_key = rsa.generate_private_key(
        public_exponent=RSA_PUBLIC_EXPONENT, key_size=RSA_KEY_BITS
    )
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    kid = JWK.from_pem(pem.encode()).thumbprint()
    path = _directory() / f"{created.strftime(_TIMESTAMP_FORMAT)}-{kid}{KEY_SUFFIX}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(pem)
    return ToolKey(kid=kid, created=created, private_pem=pem, path=path)


def tool_signing_key() -> ToolKey:
    """The newest key, created on first use."""
    keys = _keys_newest_first()
    return keys[0] if keys else tool_key_create()


def tool_published_keys(*, now: datetime | None = None) -> list[ToolKey]:
    """The signing key and every key replaced less than LTI_KEY_OVERLAP_DAYS ago."""
    now = now or datetime.now(UTC)
    overlap = timedelta(days=settings.LTI_KEY_OVERLAP_DAYS)
    keys = _keys_newest_first() or [tool_key_create(now=now)]
    published = [keys[0]]
    for successor, key in itertools.pairwise(keys):
        if now - successor.created >= overlap:
            break
        published.append(key)
    return published


def tool_jwks(*, now: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    return {"keys": [key.public_jwk() for key in tool_published_keys(now=now)]}


def tool_key_rotate(*, now: datetime | None = None) -> tuple[ToolKey, list[ToolKey]]:
    """Create a new signing key; move keys no longer published into `retired/`.

    Returns the new key and the keys retired. The key it replaces stays published for
    LTI_KEY_OVERLAP_DAYS, so messages signed just before the rotation still verify.
    """
    now = now or datetime.now(UTC)
    new_key = tool_key_create(now=now)
    published = {key.path for key in tool_published_keys(now=now)}
    retired_folder = _directory() / RETIRED_FOLDER
    retired = []
    for key in _keys_newest_first():
        if key.path not in published:
            retired_folder.mkdir(mode=KEY_DIRECTORY_MODE, exist_ok=True)
            key.path.rename(retired_folder / key.path.name)
            retired.append(key)
    return new_key, retired
