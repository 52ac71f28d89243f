"""Strict RDF Dataset Canonicalization (RDFC-1.0, URDNA2015 in pyld) of JSON-LD documents.

A Data Integrity signature covers the RDF a document expands to, not its JSON. Anything JSON-LD
expansion silently drops (a property no context defines, a relative `id` or `type`) would be
shown to a reader yet not be signed, so it could be added or changed without breaking the
signature. Like jsonld.js "safe mode", this module refuses such documents instead.
"""

import re
import threading
from collections.abc import Iterator, Mapping
from typing import Any, Final

from pyld import jsonld
from pyld.canon import URDNA2015
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

# pyld keeps processed contexts in cachetools LRU caches (ours above, its own module-level ones,
# and one per resolved context); they are not thread-safe, and concurrent signing in threads
# (gthread workers, eager tasks) raced into KeyErrors. Canonicalisation is CPU-bound Python, so
# under the GIL one at a time costs nothing.
_pyld_lock = threading.Lock()

# An RFC 3986 scheme, or a blank node identifier (`_:b0`): anything else is relative.
_ABSOLUTE_IRI_OR_BLANK_NODE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*|_):")
_VALUE_TYPES_WITHOUT_IRI: Final = frozenset({"@json"})
# pyld recurses per level; a credential is ~6 levels deep, and a crafted one thousands deep would
# otherwise end in RecursionError instead of a refusal.
MAX_DOCUMENT_DEPTH: Final = 64
# Our credentials need none; a few hundred still allow ordinary graphs with look-alike nodes.
MAX_DEEP_ITERATIONS: Final = 256


class CanonicalizationError(ValueError):
    """The document is not JSON-LD that can be signed or verified safely."""


class UndefinedTermError(CanonicalizationError):
    """A property, type or identifier would be dropped from the signed RDF."""


def canonical_nquads(document: Mapping[str, Any]) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document, strictly.

    Raises ContextNotBundledError for a context URL that is not bundled, UndefinedTermError if
    expansion would drop or leave relative any term, CanonicalizationError for invalid JSON-LD
    or a document too deep or too costly to canonicalise.
    """
    _check_depth(document)
    with _pyld_lock:
        expanded = _expand_strictly(document)
        try:
            dataset = jsonld.to_rdf(expanded, {"base": None, **_loader_options()})
            nquads: str = _BoundedURDNA2015().main(dataset, {"format": "application/n-quads"})
        except CanonicalizationError:
            raise
        except (jsonld.JsonLdError, ValueError) as error:
            raise CanonicalizationError(f"canonicalization failed: {error}") from error
    return nquads


class _BoundedURDNA2015(URDNA2015):
    """URDNA2015 that gives up on "poison" graphs instead of running for exponential time.

    Hash N-Degree Quads only runs for blank nodes that first-degree hashing cannot tell apart;
    a credential has none, while crafted symmetric graphs need factorially many. RDFC-1.0
    ("dataset poisoning") asks implementations to bound this work.
    """

    def __init__(self) -> None:
        super().__init__()
        self.deep_iterations = 0

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self.deep_iterations += 1
        if self.deep_iterations > MAX_DEEP_ITERATIONS:
            raise CanonicalizationError(
                f"canonicalization needs more than {MAX_DEEP_ITERATIONS} deep iterations"
            )
        return super().hash_n_degree_quads(id_, issuer)


def _loader_options() -> dict[str, Any]:
    return {
        "documentLoader": load_bundled_document,
        "contextResolver": ContextResolver(_resolved_contexts, load_bundled_document),
    }


def _check_depth(document: Mapping[str, Any]) -> None:
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DOCUMENT_DEPTH:
            raise CanonicalizationError(f"the document nests deeper than {MAX_DOCUMENT_DEPTH}")
        if isinstance(value, Mapping):
            pending.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            pending.extend((child, depth + 1) for child in value)


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
    except CanonicalizationError:
        raise  # our own refusal from refuse_dropped_property, already precise
    except jsonld.JsonLdError as error:
        not_bundled = _find_cause(error, ContextNotBundledError)
        if not_bundled is not None:
            raise not_bundled from error
        raise CanonicalizationError(f"JSON-LD expansion failed: {error}") from error
    except ValueError as error:  # pyld's IRI resolver, e.g. a relative context URL
        raise CanonicalizationError(f"JSON-LD expansion failed: {error}") from error
    for iri, role in _iris_in(expanded):
        if not _ABSOLUTE_IRI_OR_BLANK_NODE.match(iri):
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
