"""Time signing and verifying one Open Badge credential (eddsa-rdfc-2022).

Run: .venv/bin/python bench/bench_credentials.py [iterations]
"""

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nacl.signing import SigningKey

from certificates.credentials import (
    AchievementDefinition,
    BadgeAward,
    IssuerProfile,
    RecipientEmail,
    StatusBitstring,
    StatusListPosition,
    build_open_badge_credential,
    encode_public_key,
    new_identity_salt,
    sign_credential,
    verify_credential,
)

DEFAULT_ITERATIONS = 200


def _award(number: int) -> BadgeAward:
    return BadgeAward(
        credential_id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        issuer=IssuerProfile(id="https://quayside.example/issuer", name="Quayside"),
        achievement=AchievementDefinition(
            id="https://quayside.example/achievements/docker-basics",
            name="Docker Basics",
            description="Builds, runs and debugs containers.",
            criteria_narrative="Passed the practical with at least 80%.",
            achievement_type="Certificate",
        ),
        recipient=RecipientEmail(email=f"learner{number}@example.org", salt=new_identity_salt()),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        status=StatusListPosition("https://quayside.example/status/1", number),
    )


def _report(label: str, samples: list[float]) -> None:
    milliseconds = sorted(sample * 1000 for sample in samples)
    p95 = milliseconds[int(len(milliseconds) * 0.95) - 1]
    print(
        f"{label:<28} median {statistics.median(milliseconds):6.2f} ms"
        f"  p95 {p95:6.2f} ms  ({len(samples)} runs)"
    )


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(iterations: int) -> None:
    key = SigningKey.generate()
    method = f"https://quayside.example/issuer#{encode_public_key(key.verify_key)}"
    resolver = {method: key.verify_key}.get
    created = datetime.now(UTC)

    first_started = time.perf_counter()
    warm = sign_credential(
        build_open_badge_credential(_award(0)),
        private_key=key,
        verification_method=method,
        created=created,
    )
    print(f"first sign (cold caches)     {(time.perf_counter() - first_started) * 1000:6.2f} ms")

    unsigned = [build_open_badge_credential(_award(n)) for n in range(1, iterations + 1)]
    signed: list[dict[str, object]] = []
    sign_times = [
        _timed(
            lambda document=document: signed.append(
                sign_credential(
                    document, private_key=key, verification_method=method, created=created
                )
            )
        )
        for document in unsigned
    ]
    verify_times = [
        _timed(lambda credential=credential: verify_credential(credential, resolve_key=resolver))
        for credential in signed
    ]
    assert verify_credential(warm, resolve_key=resolver).ok
    _report("sign_credential", sign_times)
    _report("verify_credential", verify_times)

    bitstring = StatusBitstring.empty().with_bit(94567, True)
    _report("status list encode (16 KB)", [_timed(bitstring.encode) for _ in range(iterations)])
    encoded = bitstring.encode()
    _report(
        "status list decode (16 KB)",
        [_timed(lambda: StatusBitstring.decode(encoded)) for _ in range(iterations)],
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ITERATIONS)
