"""The API's rates in one throttle (quayside.throttling): one cache read and one write per
request, a refusal that counts against no rate, Retry-After when the oldest request leaves."""

from typing import Any

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory

from quayside.cache import RedisCache
from quayside.throttling import ApiRateThrottle


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/min", "attempt_transition": "1/min"}
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", rates)
    return rates


class _CountingCache:
    """The real cache, counting the calls the throttle makes."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        self.calls.append("get_many")
        return cache.get_many(keys)

    def set_many(self, data: dict[str, Any], timeout: int) -> list[str]:
        self.calls.append("set_many")
        return cache.set_many(data, timeout=timeout)


def test_a_start_reads_and_writes_its_counters_once(
    api, quiz, rates, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = _CountingCache()
    monkeypatch.setattr(ApiRateThrottle, "cache", counting)

    response = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    assert response.status_code == 201
    assert counting.calls == ["get_many", "set_many"]


def test_a_request_refused_by_its_scope_counts_against_no_rate(api, quiz, rates) -> None:
    url = f"/api/v1/assessments/{quiz.slug}/attempts/"
    # one start (the scope allows one a minute), then one refused
    assert [api.post(url).status_code for _ in range(2)] == [201, 429]

    # the user rate (3 a minute) counted the start only: two more requests pass, a third does not
    assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]


def test_retry_after_is_when_the_oldest_counted_request_leaves_the_minute(
    api, rates, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([1000.0, 1010.0, 1020.0, 1030.0])
    monkeypatch.setattr(ApiRateThrottle, "timer", staticmethod(lambda: next(clock)))

    statuses = [api.get("/api/v1/me/").status_code for _ in range(3)]
    refused = api.get("/api/v1/me/")

    # the first request (t=1000) leaves the minute at t=1060, 30 s after the refusal at t=1030
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"


def test_a_scope_without_a_rate_is_a_configuration_error(rates) -> None:
    class View:
        throttle_scope = "no-such-scope"

    request = APIRequestFactory().get("/")
    request.user = None

    with pytest.raises(ImproperlyConfigured, match="no-such-scope"):
        ApiRateThrottle().allow_request(request, View())  # type: ignore[arg-type]


def test_the_redis_cache_keeps_one_client_per_pool() -> None:
    default = caches["default"]
    if not isinstance(default, RedisCache):
        pytest.fail("the tests run with CACHE_URL on Redis (scripts/test)")
    backend = default._cache

    cache.set("one-client", "kept", 30)

    assert backend.get_client(write=True) is backend.get_client(write=True)
    assert cache.get("one-client") == "kept"
