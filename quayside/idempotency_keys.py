"""The Idempotency-Key header of the API's state-changing requests: how it is documented and read.

Repeating a request with the same key answers as the first time instead of acting twice; each
service stores the key with what it created (an attempt, a submission) and decides what a repeat
means.
"""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
# Printable ASCII without spaces, up to the length of the attempt's key columns.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,100}$"


def idempotency_key_parameter(action: str) -> OpenApiParameter:
    return OpenApiParameter(
        IDEMPOTENCY_KEY_HEADER,
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=False,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            f"Any unique string (up to 100 printable ASCII characters). Repeating the request "
            f"with the same key {action} instead of acting twice."
        ),
    )


def idempotency_key(request: Request) -> str:
    """The request's Idempotency-Key header, or "" without one; 400 when it is malformed."""
    if IDEMPOTENCY_KEY_HEADER not in request.headers:
        return ""
    key = request.headers[IDEMPOTENCY_KEY_HEADER]
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        raise ValidationError(
            {IDEMPOTENCY_KEY_HEADER: ["Use 1 to 100 printable ASCII characters, no spaces."]}
        )
    return key
