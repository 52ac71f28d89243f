"""Quayside as a credential issuer: its stable URLs, its profile and its key ring.

The key ring lives in `settings.CERTIFICATE_KEY_DIR` (created on first use by the credentials
library, 0700/0600). Each process caches it and reloads when the directory changes, so a key
rotated by one process (a management command, a worker) is seen by the others on their next use.
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.urls import reverse

from certificates.credentials import (
    IssuerProfile,
    KeyResolver,
    KeyRing,
    encode_public_key,
    key_ring_load,
    key_ring_rotate,
)
from certificates.credentials.document_loader import OB_V3P0_CONTEXT_URL, VC_V2_CONTEXT_URL

MULTIKEY_CONTEXT_URL: Final = "https://w3id.org/security/multikey/v1"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def issuer_id() -> str:
    return absolute_url(reverse("certificates_public:issuer"))


def status_list_url(status_list_id: int) -> str:
    return absolute_url(reverse("certificates_public:status_list", args=[status_list_id]))


def verification_url(code: str) -> str:
    return absolute_url(reverse("certificates_public:verify_code", args=[code]))


def achievement_url(program_slug: str) -> str:
    return absolute_url(reverse("certificates_public:achievement", args=[program_slug]))


def issuer_profile() -> IssuerProfile:
    return IssuerProfile(
        id=issuer_id(), name=settings.CERTIFICATE_ISSUER_NAME, url=settings.SITE_URL
    )


@dataclass(frozen=True)
class _CachedRing:
    directory: Path
    stamp: tuple[int, int]
    ring: KeyRing


_cache_lock = threading.Lock()
_cached: _CachedRing | None = None


def _directory_stamp(directory: Path) -> tuple[int, int]:
    """Changes when a key file is added (directory mtime) or the active pointer is replaced."""
    try:
        pointer = os.stat(directory / "active").st_mtime_ns
        return os.stat(directory).st_mtime_ns, pointer
    except FileNotFoundError:
        return (0, 0)


def key_ring() -> KeyRing:
    """The issuer's key ring, created with a first key on first use."""
    global _cached
    directory = Path(settings.CERTIFICATE_KEY_DIR)
    stamp = _directory_stamp(directory)
    cached = _cached
    if cached is not None and cached.directory == directory and cached.stamp == stamp:
        return cached.ring
    with _cache_lock:
        ring = key_ring_load(directory)
        _cached = _CachedRing(directory=directory, stamp=_directory_stamp(directory), ring=ring)
        return ring


def key_rotate() -> KeyRing:
    """Make a new signing key active; credentials signed with earlier keys still verify."""
    global _cached
    with _cache_lock:
        ring = key_ring_rotate(Path(settings.CERTIFICATE_KEY_DIR))
        _cached = None
    return ring


def key_resolver() -> KeyResolver:
    """Resolves `<issuer id>#<key id>` for every key this issuer has ever signed with."""
    return key_ring().key_resolver(issuer_id=issuer_id())


def issuer_profile_document() -> dict[str, Any]:
    """The issuer's public Profile, a controller document listing its Multikeys.

    Every key of the ring is listed (retired ones too), so that external verifiers can check
    credentials signed before a rotation. Served as plain JSON, never signed.
    """
    ring = key_ring()
    identifier = issuer_id()
    methods = [
        {
            "id": f"{identifier}#{key_id}",
            "type": "Multikey",
            "controller": identifier,
            "publicKeyMultibase": encode_public_key(public_key),
        }
        for key_id, public_key in sorted(ring.public_keys.items())
    ]
    return {
        "@context": [VC_V2_CONTEXT_URL, OB_V3P0_CONTEXT_URL, MULTIKEY_CONTEXT_URL],
        "id": identifier,
        "type": ["Profile"],
        "name": settings.CERTIFICATE_ISSUER_NAME,
        "url": settings.SITE_URL,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
