"""Whole numbers from outside (URL paths, query strings, headers), bounded to what the database
stores, so an out-of-range number is a clear 4xx and never an overflow (a 500) in the database
driver: SQLite refuses integers past 2**63 - 1 before the query runs.

- In URLs, `<number:name>` (registered here, imported by quayside.urls before any app's URLs):
  `<number:...>` accepts any length of digits, so no route uses it (a test walks every route).
- In query strings and forms, `whole_number_or_none()`; in the API, `DatabaseIdField`.
"""

import re
from collections.abc import Mapping
from typing import Any, Final

from django.urls import register_converter
from rest_framework import serializers

# PostgreSQL's bigint and SQLite's INTEGER: every primary key and position fits.
MAX_DATABASE_INTEGER: Final = 2**63 - 1
# ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses or reads oddly.
_DIGITS = re.compile(r"[0-9]+")
CONVERTER_NAME: Final = "number"


def whole_number_or_none(text: Any, *, maximum: int = MAX_DATABASE_INTEGER) -> int | None:
    """The number `text` spells in ASCII digits if it is 0..maximum, else None."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text.strip()):
        return None
    number = int(text.strip())
    return number if number <= maximum else None


class DatabaseNumberConverter:
    """`<number:name>`: digits naming a value the database can hold; others match no route
    (a 404, as problem+json under /api/)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = whole_number_or_none(value)
        if number is None:
            raise ValueError(f"{value} is past the largest database integer")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class DatabaseIdField(serializers.IntegerField):
    """An id or position in API input (query parameters included): 0 .. MAX_DATABASE_INTEGER."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_DATABASE_INTEGER)
        super().__init__(**kwargs)


def query_database_ids(params: Mapping[str, Any], *names: str) -> dict[str, int | None]:
    """Optional id filters of an API query string (absent or empty: None). Raises DRF's
    ValidationError, a 400 problem naming each parameter, for anything but 0..2**63 - 1."""
    found: dict[str, int | None] = {}
    errors: dict[str, list[str]] = {}
    for name in names:
        raw = params.get(name, "")
        found[name] = None if raw == "" else whole_number_or_none(raw)
        if raw != "" and found[name] is None:
            errors[name] = [f"Enter a whole number from 0 to {MAX_DATABASE_INTEGER}."]
    if errors:
        raise serializers.ValidationError(errors)
    return found


register_converter(DatabaseNumberConverter, CONVERTER_NAME)
