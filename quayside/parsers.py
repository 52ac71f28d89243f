"""The API's JSON parser: DRF's, reading through the strict untrusted-JSON decoder.

The default for every API view (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]); a view that lists its
own parsers lists this one, never DRF's JSONParser (a test walks every route to check it).
"""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import (  # type: ignore[attr-defined]  # not in the stubs
    JSONParser,
    get_encoding,
)

from quayside.untrusted_json import UntrustedJSONError, untrusted_json_loads


class StrictJSONParser(JSONParser):
    """Refuses, as a 400 problem, nesting past MAX_JSON_DEPTH, repeated keys, NaN and Infinity.

    The body was already bounded by RequestBodyLimitMiddleware, so reading it whole is safe.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = get_encoding(parser_context or {})
        body = stream.read() if stream is not None else b""
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - the body is not {encoding}: {error}") from None
        try:
            return untrusted_json_loads(text)
        except UntrustedJSONError as error:
            raise ParseError(f"JSON parse error - {error}") from None
