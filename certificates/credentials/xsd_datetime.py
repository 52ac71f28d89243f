"""The `xsd:dateTimeStamp` form credentials use for validFrom, validUntil and proof `created`."""

from datetime import UTC, datetime
from typing import Final

# Whole seconds in UTC with a `Z`, as in the VC and OB examples and the official test vector.
_XSD_DATETIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"


def to_xsd_datetime(moment: datetime) -> str:
    """Format an aware datetime as UTC whole seconds; a naive one is refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("credential timestamps must be timezone-aware datetimes")
    return moment.astimezone(UTC).strftime(_XSD_DATETIME_FORMAT)


def parse_xsd_datetime(text: str) -> datetime:
    """Parse an `xsd:dateTimeStamp` (a timezone is required); raise ValueError otherwise."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no timezone")
    return moment
