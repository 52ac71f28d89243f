"""The one JSON serialisation of signed documents we store and serve.

The signature covers the canonical RDF, not these bytes, but serving exactly what was stored
means a download is byte-for-byte the credential that was issued.
"""

import json
from collections.abc import Mapping
from typing import Any


def dump_signed(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
