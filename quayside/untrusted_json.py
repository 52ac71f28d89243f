"""JSON from outside (request bodies, uploaded credentials), read strictly.

Python's decoder recurses once per nesting level, so a body of 50,000 `[` exhausts the stack
(RecursionError, a 500) before any validation runs. The depth is therefore measured first, by
a linear scan that never recurses, and refused beyond MAX_JSON_DEPTH. A repeated key is refused
too: decoders disagree on which copy wins, so a signed document could be read one way by the
signer and another way by us (I-JSON, RFC 7493, requires unique names).
"""

import json
import re
from collections.abc import Iterable
from itertools import accumulate
from typing import Any, Final

# Deeper than any document Quayside accepts (a credential nests about 6 levels, a question spec
# about 5), far below the interpreter's recursion limit (1,000).
MAX_JSON_DEPTH: Final = 64

# Strings first (their brackets do not nest), then every bracket outside them.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_DEPTH_CHANGE: Final = {"[": 1, "{": 1, "]": -1, "}": -1}


class UntrustedJSONError(ValueError):
    """The text is not JSON we accept; the message says why, for the sender."""


class RepeatedKeyError(UntrustedJSONError):
    """An object names the same key twice."""


class NestingTooDeepError(UntrustedJSONError):
    """Arrays and objects nest deeper than allowed."""


def _deepest_nesting(text: str) -> int:
    # A matched string changes nothing; each bracket outside strings opens or closes a level.
    changes = (_DEPTH_CHANGE.get(match[0], 0) for match in _STRING_OR_BRACKET.finditer(text))
    return max(accumulate(changes), default=0)


def _unique_keys_object(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise RepeatedKeyError(f"The JSON repeats the key {key!r} in one object.")
        document[key] = value
    return document


def _no_constants(name: str) -> Any:
    raise UntrustedJSONError(f"{name} is not a JSON value.")


def untrusted_json_loads(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Decode JSON from outside. Raises UntrustedJSONError for invalid UTF-8 or JSON, nesting
    deeper than `max_depth`, an object that repeats a key, or NaN and Infinity."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UntrustedJSONError(f"The JSON is not UTF-8: {error}") from None
    if _deepest_nesting(text) > max_depth:
        raise NestingTooDeepError(f"The JSON nests deeper than {max_depth} levels.")
    try:
        return json.loads(text, object_pairs_hook=_unique_keys_object, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        raise UntrustedJSONError(f"The JSON is not valid: {error}") from None
