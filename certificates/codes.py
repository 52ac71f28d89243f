"""Verification codes: short enough to type from paper, too many to guess.

Twenty Crockford base32 characters carry 100 random bits; at a million guesses a second an
attacker would need ~10^16 years to find one of a million issued codes. Crockford's alphabet
has no I, L, O or U, and reading forgives the look-alikes people type instead.
"""

import secrets
from typing import Final

CROCKFORD_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VERIFICATION_CODE_LENGTH: Final = 20
VERIFICATION_CODE_GROUP: Final = 5
_LOOK_ALIKES: Final = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS: Final = str.maketrans("", "", "- \t")


def new_verification_code() -> str:
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def normalise_verification_code(text: str) -> str | None:
    """The stored form of a code as someone typed it, or None if it cannot be a code."""
    code = text.strip().upper().translate(_SEPARATORS).translate(_LOOK_ALIKES)
    if len(code) != VERIFICATION_CODE_LENGTH or any(c not in CROCKFORD_ALPHABET for c in code):
        return None
    return code


def format_verification_code(code: str) -> str:
    """`ABCDE-FGHJK-MNPQR-STVWX`: groups are easier to read aloud and to compare."""
    return "-".join(
        code[start : start + VERIFICATION_CODE_GROUP]
        for start in range(0, len(code), VERIFICATION_CODE_GROUP)
    )
