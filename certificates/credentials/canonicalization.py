"""Strict RDF Dataset Canonicalization (RDFC-1.0, URDNA2015 in pyld) of JSON-LD documents.

A Data Integrity signature covers the RDF a document expands to, not its JSON. Anything JSON-LD
expansion silently drops (a property no context defines, a relative `id` or `type`) would be
shown to a reader yet not be signed, so it could be added or changed without breaking the
signature. Like jsonld.js "safe mode", this module refuses such documents instead.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from certificates.credentials.document_loader import ContextNotBundledError, load_bundled_document

# Inline contexts are cached too, so a stream of crafted documents must not grow it forever.
_RESOLVED_CONTEXTS_CACHE_SIZE: Final = 64


class _ResolvedContextCache(dict[str, Any]):
    """pyld's `shared_cache` protocol (get, []=), bounded by starting over when full."""

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self and len(self) >= _RESOLVED_CONTEXTS_CACHE_SIZE:
            self.clear()
        super().__setitem__(key, value)


# pyld's module-level cache is shared with any other pyld user in the process, which may use a
# network loader; ours only ever holds contexts resolved from the bundled files.
_resolved_contexts = _ResolvedContextCache()

# RFC 3987 scheme; blank node identifiers (`_:b0`) match it too, which is what we want.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_VALUE_TYPES_WITHOUT_IRI: Final = frozenset({"@json"})


class CanonicalizationError(ValueError):
    """The document is not JSON-LD that can be signed or verified safely."""


class UndefinedTermError(CanonicalizationError):
    """A property, type or identifier would be dropped from the signed RDF."""


def canonical_nquads(document: Mapping[str, Any]) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document, strictly.

    Raises ContextNotBundledError for a context URL that is not bundled, UndefinedTermError if
    expansion would drop or leave relative any term, CanonicalizationError for invalid JSON-LD.
    """
    expanded = _expand_strictly(document)
    try:
        nquads: str = jsonld.normalize(
            expanded,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "base": None,
                **_loader_options(),
            },
        )
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(f"canonicalization failed: {error}") from error
    return nquads


def _loader_options() -> dict[str, Any]:
    return {
        "documentLoader": load_bundled_document,
        "contextResolver": ContextResolver(_resolved_contexts, load_bundled_document),
    }


def _expand_strictly(document: Mapping[str, Any]) -> list[Any]:
    def refuse_dropped_property(expanded_property: str | None) -> None:
        raise UndefinedTermError(
            f"property {expanded_property!r} is not defined by the document's @context"
        )

    processor = jsonld.JsonLdProcessor(on_property_dropped=refuse_dropped_property)
    try:
        # base None keeps relative IRIs relative (pyld would otherwise resolve them against
        # http://example.org/base/), so that they can be refused below.
        expanded: list[Any] = processor.expand(dict(document), {"base": None, **_loader_options()})
    except jsonld.JsonLdError as error:
        not_bundled = _find_cause(error, ContextNotBundledError)
        if not_bundled is not None:
            raise not_bundled from error
        raise CanonicalizationError(f"JSON-LD expansion failed: {error}") from error
    for iri, role in _iris_in(expanded):
        if not _ABSOLUTE_IRI.match(iri):
            raise UndefinedTermError(f"{role} {iri!r} is not an absolute IRI after expansion")
    return expanded


def _iris_in(expanded: Any) -> Iterator[tuple[str, str]]:
    """Yield (iri, role) for every node id, node type and value datatype in expanded JSON-LD."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _iris_in(item)
        return
    if not isinstance(expanded, dict):
        return
    if "@value" in expanded:
        datatype = expanded.get("@type")
        if isinstance(datatype, str) and datatype not in _VALUE_TYPES_WITHOUT_IRI:
            yield datatype, "datatype"
        return
    if isinstance(expanded.get("@id"), str):
        yield expanded["@id"], "identifier"
    for node_type in expanded.get("@type", []):
        yield node_type, "type"
    for key, value in expanded.items():
        if key not in ("@id", "@type"):
            yield from _iris_in(value)


def _find_cause[E: BaseException](error: BaseException, wanted: type[E]) -> E | None:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, wanted):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
