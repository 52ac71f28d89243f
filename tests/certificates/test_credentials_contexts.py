"""The bundled contexts and the loader that serves only them."""

import hashlib
import socket

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

# SHA-256 of the official files, as the workplace received them (shared/fixtures/openbadges:
# 1EdTech's context and the W3C eddsa-rdfc-2022 test vector). The local copies must stay
# byte-identical to them. The hashes live here rather than a path to the shared folder, which a
# clone elsewhere (CI's) does not have.
OFFICIAL_SHA256 = {
    "context-3.0.3.json": "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    "test-vector-document-canon.nq": (
        "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
    ),
    "test-vector-keys.json": "2faca42e6ba24895ccbacc9f112f577436d9d4a234ddb9bde9937744804a4972",
    "test-vector-proof-canon.nq": (
        "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
    ),
    "test-vector-signed-credential.json": (
        "46c54cfd4379913d66a85618d5d62371062e43e8118ecc7961a806bfc2b5a9ad"
    ),
}


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


def test_every_official_file_has_its_hash_recorded() -> None:
    assert set(OFFICIAL_SHA256) == {*VECTOR_FILES, "context-3.0.3.json"}


@pytest.mark.parametrize("name", sorted(OFFICIAL_SHA256))
def test_local_fixture_copies_are_the_official_files(name: str) -> None:
    digest = hashlib.sha256((FIXTURES_DIR / name).read_bytes()).hexdigest()

    assert digest == OFFICIAL_SHA256[name]


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
