"""build_open_badge_credential: the OB 3.0 shape, signed and verified with bundled contexts."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from nacl.signing import SigningKey
from pyld import jsonld

from certificates.credentials import (
    AchievementDefinition,
    BadgeAward,
    IssuerProfile,
    RecipientEmail,
    StatusListPosition,
    VerificationFailure,
    build_open_badge_credential,
    canonical_nquads,
    encode_public_key,
    identity_hash,
    load_bundled_document,
    new_identity_salt,
    sign_credential,
    verify_credential,
)

ISSUER = IssuerProfile(
    id="https://quayside.example/issuer",
    name="Quayside Academy",
    url="https://quayside.example",
)
ACHIEVEMENT = AchievementDefinition(
    id="https://quayside.example/achievements/docker-basics",
    name="Docker Basics",
    description="Builds, runs and debugs containers.",
    criteria_narrative="Passed the Docker Basics practical with at least 80%.",
    achievement_type="Certificate",
)


def _award(**changes: Any) -> BadgeAward:
    fields: dict[str, Any] = {
        "credential_id": "urn:uuid:0d6ff0e5-2c2e-4f5e-9f3c-4b1c1c2f6a10",
        "issuer": ISSUER,
        "achievement": ACHIEVEMENT,
        "recipient": RecipientEmail(email="Ada.Lovelace@Example.org", salt="c0ffee"),
        "valid_from": datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
        "valid_until": datetime(2028, 5, 1, 9, 30, tzinfo=UTC),
        "status": StatusListPosition(
            status_list_credential="https://quayside.example/status/1", index=1234
        ),
    }
    return BadgeAward(**(fields | changes))


def test_it_builds_the_open_badge_shape() -> None:
    credential = build_open_badge_credential(_award())

    expected_hash = hashlib.sha256(b"ada.lovelace@example.orgc0ffee").hexdigest()
    assert credential == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0d6ff0e5-2c2e-4f5e-9f3c-4b1c1c2f6a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Docker Basics",
        "issuer": {
            "id": "https://quayside.example/issuer",
            "type": ["Profile"],
            "name": "Quayside Academy",
            "url": "https://quayside.example",
        },
        "validFrom": "2026-05-01T09:30:00Z",
        "validUntil": "2028-05-01T09:30:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${expected_hash}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "c0ffee",
                }
            ],
            "achievement": {
                "id": "https://quayside.example/achievements/docker-basics",
                "type": ["Achievement"],
                "name": "Docker Basics",
                "description": "Builds, runs and debugs containers.",
                "criteria": {"narrative": "Passed the Docker Basics practical with at least 80%."},
                "achievementType": "Certificate",
            },
        },
        "credentialStatus": {
            "id": "https://quayside.example/status/1#1234",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "1234",
            "statusListCredential": "https://quayside.example/status/1",
        },
    }


def test_the_email_never_appears_in_plain_text() -> None:
    serialised = json.dumps(build_open_badge_credential(_award())).lower()

    assert "ada.lovelace" not in serialised
    assert "example.org" not in serialised


def test_the_identity_hash_ignores_case_and_surrounding_space() -> None:
    assert identity_hash(email=" Ada@Example.org ", salt="s") == identity_hash(
        email="ada@example.org", salt="s"
    )
    assert identity_hash(email="ada@example.org", salt="s") != identity_hash(
        email="ada@example.org", salt="t"
    )


def test_new_salts_differ() -> None:
    assert new_identity_salt() != new_identity_salt()


def test_expansion_drops_no_property_of_the_credential() -> None:
    # given
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)

    # when
    processor.expand(
        build_open_badge_credential(_award()), {"documentLoader": load_bundled_document}
    )

    # then
    assert dropped == []


def test_every_value_in_the_credential_reaches_the_signed_rdf() -> None:
    nquads = canonical_nquads(build_open_badge_credential(_award()))

    for expected in [
        '"Quayside Academy"',
        '"Docker Basics"',
        '"Passed the Docker Basics practical with at least 80%."',
        '"Certificate"',
        '"c0ffee"',
        '"emailAddress"',
        '"true"^^<https://www.w3.org/2001/XMLSchema#boolean>',
        '"2028-05-01T09:30:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
        '"1234"',
        "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#IdentityObject>",
        "<https://www.w3.org/ns/credentials/status#BitstringStatusListEntry>",
    ]:
        assert expected in nquads


def test_the_credential_signs_and_verifies_with_the_bundled_contexts() -> None:
    # given
    key = SigningKey.generate()
    method = f"{ISSUER.id}#{encode_public_key(key.verify_key)}"
    resolver = {method: key.verify_key}.get

    # when
    signed = sign_credential(
        build_open_badge_credential(_award()),
        private_key=key,
        verification_method=method,
        created=datetime(2026, 5, 1, 9, 30, 5, tzinfo=UTC),
    )

    # then
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert verify_credential(signed, resolve_key=resolver).ok
    signed["credentialSubject"]["identifier"][0]["salt"] = "other"
    assert verify_credential(signed, resolve_key=resolver).reason is (
        VerificationFailure.BAD_SIGNATURE
    )


def test_optional_parts_are_left_out() -> None:
    credential = build_open_badge_credential(
        _award(
            valid_until=None,
            status=None,
            achievement=AchievementDefinition(
                id=ACHIEVEMENT.id, name="A", description="B", criteria_narrative="C"
            ),
            name="Docker Basics certificate",
        )
    )

    assert "validUntil" not in credential
    assert "credentialStatus" not in credential
    assert "achievementType" not in credential["credentialSubject"]["achievement"]
    assert credential["name"] == "Docker Basics certificate"
    assert '"Docker Basics certificate"' in canonical_nquads(credential)


def test_it_refuses_a_validity_window_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="validUntil"):
        build_open_badge_credential(_award(valid_until=datetime(2026, 1, 1, tzinfo=UTC)))


def test_it_refuses_an_unsalted_email() -> None:
    with pytest.raises(ValueError, match="unsalted"):
        RecipientEmail(email="ada@example.org", salt="")
