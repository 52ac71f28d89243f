"""The bundled contexts and the loader that serves only them."""

import socket
from pathlib import Path

import pytest
from official_vector import FIXTURES_DIR, VECTOR_FILES, OfficialVector
from pyld import jsonld

from certificates.credentials import (
    CanonicalizationError,
    ContextNotBundledError,
    canonical_nquads,
    load_bundled_document,
)
from certificates.credentials.canonicalization import MAX_DOCUMENT_DEPTH
from certificates.credentials.document_loader import (
    BUNDLED_CONTEXT_FILES,
    CONTEXTS_DIR,
    OB_V3P0_CONTEXT_URL,
    VC_V2_CONTEXT_URL,
)

# The workplace's shared/ folder, where the official files came from, sits beside the checkout on
# the machines the project is developed on. A clone elsewhere (CI's among them) may not have it:
# then there is nothing to compare against, and the drift check is skipped with that reason.
SHARED_OPENBADGES = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "openbadges"
).resolve()


@pytest.mark.parametrize("url", sorted(BUNDLED_CONTEXT_FILES))
def test_it_serves_each_bundled_context(url: str) -> None:
    remote = load_bundled_document(url, {})

    assert remote["documentUrl"] == url
    assert remote["contentType"] == "application/ld+json"
    assert "@context" in remote["document"]


def test_it_hands_out_copies_so_callers_cannot_alter_the_bundle() -> None:
    load_bundled_document(VC_V2_CONTEXT_URL, {})["document"]["@context"]["name"] = "urn:forged"

    assert load_bundled_document(VC_V2_CONTEXT_URL, {})["document"]["@context"]["name"] == (
        "https://schema.org/name"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
        "https://www.w3.org/ns/credentials/v2/",
        "http://www.w3.org/ns/credentials/v2",
        "file:///etc/passwd",
    ],
)
def test_it_refuses_any_other_url_by_name(url: str) -> None:
    with pytest.raises(ContextNotBundledError, match="not bundled") as refused:
        load_bundled_document(url, {})

    assert refused.value.url == url


def test_canonicalization_surfaces_the_refused_context_url() -> None:
    document = {"@context": ["https://mallory.example/ctx"], "id": "urn:x", "name": "x"}

    with pytest.raises(ContextNotBundledError) as refused:
        canonical_nquads(document)

    assert refused.value.url == "https://mallory.example/ctx"


def test_it_canonicalizes_without_touching_the_network(
    vector: OfficialVector, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: any attempt to open a connection fails loudly
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    # when / then
    assert canonical_nquads(vector.unsigned_credential) == vector.document_canon


def test_pyld_global_cache_cannot_smuggle_in_a_context(
    vector: OfficialVector, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: another pyld user in the process resolved the OB context URL to something else
    # (into a stand-in for pyld's process-wide cache, so that no other test sees it)
    monkeypatch.setattr(jsonld, "_resolved_context_cache", {})
    forged = {"@context": {"name": "urn:forged#name", "id": "@id", "type": "@type"}}

    def forging_loader(url: str, options: object) -> dict[str, object]:
        # "static" makes pyld keep the resolved context in its process-wide cache
        return {"contextUrl": None, "documentUrl": url, "document": forged, "tag": "static"}

    jsonld.expand(
        {"@context": OB_V3P0_CONTEXT_URL, "name": "x"}, {"documentLoader": forging_loader}
    )

    # when / then: ours still canonicalizes with the bundled file
    assert canonical_nquads(vector.unsigned_credential) == vector.document_canon


def test_it_reports_invalid_json_ld_as_a_canonicalization_error() -> None:
    with pytest.raises(CanonicalizationError):
        canonical_nquads({"@context": {"@version": 2.0}, "id": "urn:x"})


def test_the_bundled_ob_context_is_the_3_0_3_fixture() -> None:
    bundled = (CONTEXTS_DIR / BUNDLED_CONTEXT_FILES[OB_V3P0_CONTEXT_URL]).read_bytes()

    assert bundled == (FIXTURES_DIR / "context-3.0.3.json").read_bytes()


@pytest.mark.parametrize("name", [*VECTOR_FILES, "context-3.0.3.json"])
def test_local_fixture_copies_match_shared(name: str) -> None:
    if not SHARED_OPENBADGES.is_dir():
        pytest.skip(f"no shared fixtures beside this checkout ({SHARED_OPENBADGES})")
    assert (FIXTURES_DIR / name).read_bytes() == (SHARED_OPENBADGES / name).read_bytes()


def _blank_node_clique(size: int) -> dict[str, object]:
    """Blank nodes all linked to each other: indistinguishable, so URDNA2015 explodes."""
    return {
        "@graph": [
            {
                "@id": f"_:b{i}",
                "http://example.org/knows": [{"@id": f"_:b{j}"} for j in range(size) if j != i],
            }
            for i in range(size)
        ]
    }


def test_it_canonicalizes_a_small_graph_of_look_alike_blank_nodes() -> None:
    assert canonical_nquads(_blank_node_clique(3)).count("_:c14n") == 12


def test_it_gives_up_on_a_poison_graph_instead_of_running_for_exponential_time() -> None:
    with pytest.raises(CanonicalizationError, match="deep iterations"):
        canonical_nquads(_blank_node_clique(8))


def test_it_refuses_a_document_nested_too_deep_for_pyld(vector: OfficialVector) -> None:
    # given
    document = vector.unsigned_credential
    node = document["credentialSubject"]
    for _ in range(MAX_DOCUMENT_DEPTH):
        node["achievement"] = {"type": ["Achievement"], "name": "nested"}
        node = node["achievement"]

    # when / then
    with pytest.raises(CanonicalizationError, match="deeper than"):
        canonical_nquads(document)
