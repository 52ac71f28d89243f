"""Service-account tokens: generated once, shown once, stored only as a hash."""

import hashlib
import secrets

from lms.models import TOKEN_PREFIX_LENGTH

TOKEN_BYTES = 32


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str:
    return token[:TOKEN_PREFIX_LENGTH]
