"""Build an Open Badges 3.0 `OpenBadgeCredential` (a VC Data Model 2.0 credential).

Input is plain frozen dataclasses; output is the unsigned JSON-LD document, ready for
`sign_credential`. Only terms of the VC v2 and OB 3.0.3 contexts are emitted, so strict
canonicalisation accepts every property.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from certificates.credentials.document_loader import OB_V3P0_CONTEXT_URL, VC_V2_CONTEXT_URL
from certificates.credentials.status_list import STATUS_PURPOSE_REVOCATION, status_list_entry
from certificates.credentials.xsd_datetime import to_xsd_datetime

OPEN_BADGE_CONTEXT: Final = (VC_V2_CONTEXT_URL, OB_V3P0_CONTEXT_URL)
IDENTITY_HASH_ALGORITHM: Final = "sha256"
# 16 random bytes: a salt only needs to defeat precomputed tables of email hashes.
IDENTITY_SALT_BYTES: Final = 16


@dataclass(frozen=True)
class IssuerProfile:
    id: str
    name: str
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class AchievementDefinition:
    id: str
    name: str
    description: str
    criteria_narrative: str
    # An OB 3.0 AchievementType value such as "Certificate" or "Course"; free text is refused
    # by verifiers that check the enumeration, so extensions must start with "ext:".
    achievement_type: str | None = None


@dataclass(frozen=True)
class RecipientEmail:
    """The learner, named by a salted hash of their email: no plaintext address is published."""

    email: str
    salt: str

    def __post_init__(self) -> None:
        if not self.email.strip():
            raise ValueError("a recipient email is required")
        if not self.salt:
            raise ValueError("an unsalted email hash can be reversed by hashing guesses")


@dataclass(frozen=True)
class StatusListPosition:
    status_list_credential: str
    index: int
    purpose: str = STATUS_PURPOSE_REVOCATION


@dataclass(frozen=True)
class EvidenceRecord:
    """What the achievement rests on (an exam attempt, a graded submission), as OB `Evidence`."""

    name: str
    description: str
    id: str | None = None  # an absolute URL or urn, when the evidence has a stable address


@dataclass(frozen=True)
class BadgeAward:
    credential_id: str  # a URL or urn:uuid
    issuer: IssuerProfile
    achievement: AchievementDefinition
    recipient: RecipientEmail
    valid_from: datetime
    valid_until: datetime | None = None
    status: StatusListPosition | None = None
    name: str | None = None  # the credential's name; defaults to the achievement's
    # The learner's name as they chose it, as an unhashed OB IdentityObject of type "name".
    recipient_name: str | None = None
    evidence: tuple[EvidenceRecord, ...] = ()


def new_identity_salt() -> str:
    return secrets.token_hex(IDENTITY_SALT_BYTES)


def identity_hash(*, email: str, salt: str) -> str:
    """OB IdentityHash `sha256$<hex>` of the email with the salt appended (UTF-8).

    The address is trimmed and lower-cased first, so a verifier who hashes what the learner
    types gets the same value whatever its case.
    """
    normalised = email.strip().lower()
    digest = hashlib.sha256((normalised + salt).encode("utf-8")).hexdigest()
    return f"{IDENTITY_HASH_ALGORITHM}${digest}"


def build_open_badge_credential(award: BadgeAward) -> dict[str, Any]:
    """Return the unsigned OpenBadgeCredential for `award`."""
    if award.valid_until is not None and award.valid_until <= award.valid_from:
        raise ValueError("validUntil must be after validFrom")
    credential: dict[str, Any] = {
        "@context": list(OPEN_BADGE_CONTEXT),
        "id": award.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.name or award.achievement.name,
        "issuer": _issuer_profile(award.issuer),
        "validFrom": to_xsd_datetime(award.valid_from),
    }
    if award.valid_until is not None:
        credential["validUntil"] = to_xsd_datetime(award.valid_until)
    identifiers = [_identity_object(award.recipient)]
    if award.recipient_name is not None:
        identifiers.append(_name_identity_object(award.recipient_name))
    credential["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": _achievement(award.achievement),
    }
    if award.evidence:
        credential["evidence"] = [_evidence(record) for record in award.evidence]
    if award.status is not None:
        credential["credentialStatus"] = status_list_entry(
            status_list_credential=award.status.status_list_credential,
            index=award.status.index,
            purpose=award.status.purpose,
        )
    return credential


def _issuer_profile(issuer: IssuerProfile) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": issuer.name}
    if issuer.url is not None:
        profile["url"] = issuer.url
    if issuer.email is not None:
        profile["email"] = issuer.email
    return profile


def _achievement(achievement: AchievementDefinition) -> dict[str, Any]:
    described: dict[str, Any] = {
        "id": achievement.id,
        "type": ["Achievement"],
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria_narrative},
    }
    if achievement.achievement_type is not None:
        described["achievementType"] = achievement.achievement_type
    return described


def _identity_object(recipient: RecipientEmail) -> dict[str, Any]:
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(email=recipient.email, salt=recipient.salt),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": recipient.salt,
    }


def _name_identity_object(name: str) -> dict[str, Any]:
    if not name.strip():
        raise ValueError("a recipient name, when given, is not blank")
    return {
        "type": "IdentityObject",
        "identityHash": name,
        "identityType": "name",
        "hashed": False,
    }


def _evidence(record: EvidenceRecord) -> dict[str, Any]:
    described: dict[str, Any] = {"type": ["Evidence"], "name": record.name}
    if record.id is not None:
        described["id"] = record.id
    described["description"] = record.description
    return described
