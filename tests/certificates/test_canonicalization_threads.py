"""Canonicalisation is safe to run from many threads at once (gthread workers, eager tasks)."""

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from official_vector import OfficialVector

from certificates.credentials import canonical_nquads

THREADS = 8
ROUNDS = 40


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    # Switch threads far more often than the default 5 ms so that a race shows up in a short test.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def _variant(vector: OfficialVector, number: int) -> dict[str, Any]:
    document = vector.unsigned_credential
    # An inline context that differs per document makes pyld resolve and cache a new context.
    document["@context"] = [*document["@context"], {"note": f"https://example.org/vocab/{number}"}]
    document["note"] = f"variant {number}"
    return document


def test_threads_canonicalise_concurrently_with_the_serial_result(
    vector: OfficialVector, frequent_thread_switches: None
) -> None:
    # given
    documents = [_variant(vector, number) for number in range(THREADS * ROUNDS)]
    expected = [canonical_nquads(document) for document in documents]
    start = threading.Barrier(THREADS)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def canonicalise(thread_number: int) -> None:
        start.wait()
        for round_number in range(ROUNDS):
            index = round_number * THREADS + thread_number
            try:
                results[index] = canonical_nquads(documents[index])
            except Exception as error:  # noqa: BLE001 - reported by the main thread below
                errors.append(error)

    # when
    threads = [threading.Thread(target=canonicalise, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert errors == []
    assert [results[index] for index in range(len(documents))] == expected
