"""A pyld document loader that serves only the JSON-LD contexts bundled in `contexts/`.

Fetching a context at run time would let whoever controls (or spoofs) that URL change what a
signature means, and would make verification depend on the network. Every other URL is refused.
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any, Final

CONTEXTS_DIR: Final = Path(__file__).resolve().parent / "contexts"

VC_V2_CONTEXT_URL: Final = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT_URL: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

BUNDLED_CONTEXT_FILES: Final[dict[str, str]] = {
    VC_V2_CONTEXT_URL: "credentials-v2.jsonld",
    OB_V3P0_CONTEXT_URL: "ob-v3p0-context-3.0.3.json",
}


class ContextNotBundledError(LookupError):
    """A document referenced a context URL that is not bundled; nothing was fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context {url!r} is not bundled with Quayside and is never fetched; "
            f"bundled contexts: {sorted(BUNDLED_CONTEXT_FILES)}"
        )
        self.url = url


@cache
def _parsed_context(url: str) -> dict[str, Any]:
    context: dict[str, Any] = json.loads(
        (CONTEXTS_DIR / BUNDLED_CONTEXT_FILES[url]).read_text(encoding="utf-8")
    )
    return context


def bundled_context(url: str) -> dict[str, Any]:
    """Return a fresh copy of a bundled context document, or raise ContextNotBundledError."""
    if url not in BUNDLED_CONTEXT_FILES:
        raise ContextNotBundledError(url)
    # A copy, so a caller (or pyld) mutating the result cannot alter later canonicalisations.
    return copy.deepcopy(_parsed_context(url))


def load_bundled_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld `documentLoader`: serve a bundled context, refuse anything else.

    Returns pyld's RemoteDocument shape plus its `tag` extension.
    """
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
        # pyld keeps "static" documents in the resolver's shared cache, so each bundled context
        # is processed once per process (canonicalization.py gives us our own cache).
        "tag": "static",
    }
