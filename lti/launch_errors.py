"""What a person in the LMS is told when a launch is refused (never a 500, never a stack trace)."""

from dataclasses import dataclass
from typing import Final

from pylti1p3.exception import LtiException, OIDCException

from lti.protocol import LaunchRefused


@dataclass(frozen=True)
class Refusal:
    title: str
    detail: str
    status: int = 400


# PyLTI1p3's own messages, by the words that identify them, in the order they are checked.
_LIBRARY_MESSAGES: Final = (
    ("expired", "This launch has expired", "The LMS's id_token is past its expiry time."),
    (
        "Signature verification failed",
        "The LMS's signature does not verify",
        "The id_token was not signed by a key the platform publishes for this registration.",
    ),
    (
        "Unable to find public key",
        "The LMS's signature does not verify",
        "The id_token names a signing key the platform does not publish.",
    ),
    (
        "Registration not found",
        "This launch is addressed to another tool",
        "No active registration here matches the id_token's issuer and audience (client id).",
    ),
    (
        "Client id not registered",
        "This launch is addressed to another tool",
        "The id_token's audience is not the client id registered for this issuer.",
    ),
    (
        "State not found",
        "This launch did not start here",
        "The launch does not match a login this browser started (cookies blocked, or the "
        "launch was reloaded). Open the activity again from your course.",
    ),
    (
        "Invalid Nonce",
        "This launch has already been used or has expired",
        "Its nonce is not one Quayside issued, or it was spent. Open the activity again.",
    ),
    (
        "Invalid JWT format",
        "This launch cannot be read",
        "The id_token is not a well-formed JWT.",
    ),
    (
        "Missing",
        "This launch is incomplete",
        "The LMS did not send everything an LTI launch needs.",
    ),
)


def refusal_for(error: LtiException | OIDCException) -> Refusal:
    if isinstance(error, LaunchRefused):
        return Refusal(title=error.title, detail=error.detail)
    message = str(error)
    for words, title, detail in _LIBRARY_MESSAGES:
        if words.lower() in message.lower():
            return Refusal(title=title, detail=detail)
    if isinstance(error, OIDCException):
        return Refusal(
            title="The LMS's login request was refused",
            detail="It names no platform registered here, or lacks its issuer or login hint.",
        )
    return Refusal(title="This launch was refused", detail=message[:300])
