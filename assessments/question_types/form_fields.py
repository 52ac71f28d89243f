"""What a question type's form adapter reads: a posted portal form, by field name.

Field names: `<field>` for single values and checkbox lists; a type with several inputs adds a
marker and an id (`<field>__place__<item id>` for ordering, `<field>__match__<left id>` for
matching, `<field>__dockerignore` for the Dockerfile type). Pure Python: Django's QueryDict fits
the protocol.
"""

import re
from collections.abc import Iterator
from typing import Any, Protocol

# ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses or reads oddly.
_DIGITS = re.compile(r"[0-9]+")


class PostedForm(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str, default: Any = None) -> Any: ...

    def __iter__(self) -> Iterator[str]: ...

    def __contains__(self, key: object) -> bool: ...


def fields_with_prefix(form: PostedForm, prefix: str) -> dict[str, str]:
    """The posted non-empty single values whose names start with `prefix`, keyed by the rest."""
    return {
        name.removeprefix(prefix): str(form.get(name, ""))
        for name in form
        if name.startswith(prefix) and form.get(name)
    }


def whole_number_or_none(text: str) -> int | None:
    """The number `text` spells in ASCII digits, else None."""
    stripped = text.strip()
    return int(stripped) if _DIGITS.fullmatch(stripped) else None
