"""The API's request rates, checked with one cache read and one cache write per request.

The rates are REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: `anon` per client address
(quayside.client_address) for requests without a user, `user` per user otherwise, and a view's
`throttle_scope` rate (starting and submitting attempts, practical submissions) on top, per user
or client address. They are the rates, keys and history of DRF's AnonRateThrottle,
UserRateThrottle and ScopedRateThrottle, held in one throttle: those three read and write their
counters one by one, four cache round trips on every authenticated request, where this one reads
every counter of the request at once and writes them at once. A request refused by one rate counts
against none.
"""

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache as default_cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.views import APIView

_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class _Limit:
    key: str
    requests: int
    seconds: int

    def recent(self, history: list[float], now: float) -> list[float]:
        """The requests of `history` (newest first) within the period."""
        return [moment for moment in history if moment > now - self.seconds]

    def wait(self, recent: list[float], now: float) -> float:
        """Seconds until the oldest request counted leaves the period."""
        return self.seconds - (now - recent[-1])


def _parsed(rate: str) -> tuple[int, int]:
    """'60/min' -> (60, 60): requests and seconds (the rate formats DRF reads)."""
    count, period = rate.split("/")
    return int(count), _PERIOD_SECONDS[period[0]]


class ApiRateThrottle(BaseThrottle):
    cache = default_cache
    timer = staticmethod(time.time)
    # Read once, like DRF's own throttles (tests change them on the class).
    THROTTLE_RATES: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES

    def __init__(self) -> None:
        self._waits: list[float] = []

    def _limit(self, scope: str, ident: str) -> _Limit | None:
        if scope not in self.THROTTLE_RATES:
            raise ImproperlyConfigured(f"No throttle rate set for scope {scope!r}.")
        rate = self.THROTTLE_RATES[scope]
        # DRF's own key format, so counters carry over from its throttle classes.
        key = SimpleRateThrottle.cache_format % {"scope": scope, "ident": ident}
        return _Limit(key, *_parsed(rate)) if rate else None

    def _limits(self, request: Request, view: "APIView") -> list[_Limit]:
        """The request's rates: the user's or the client address's, and the view's scope."""
        user = request.user
        authenticated = bool(user and user.is_authenticated)
        ident = str(user.pk) if authenticated else str(self.get_ident(request))
        scopes = ["user" if authenticated else "anon", getattr(view, "throttle_scope", None)]
        limits = [self._limit(scope, ident) for scope in scopes if scope]
        return [limit for limit in limits if limit is not None]

    def allow_request(self, request: Request, view: "APIView") -> bool:
        limits = self._limits(request, view)
        if not limits:
            return True
        now = self.timer()
        stored: dict[str, Any] = self.cache.get_many([limit.key for limit in limits])
        recent = {limit.key: limit.recent(stored.get(limit.key) or [], now) for limit in limits}
        self._waits = [
            limit.wait(recent[limit.key], now)
            for limit in limits
            if len(recent[limit.key]) >= limit.requests
        ]
        if self._waits:
            return False
        for history in recent.values():
            history.insert(0, now)
        self.cache.set_many(recent, timeout=max(limit.seconds for limit in limits))
        return True

    def wait(self) -> float | None:
        return max(self._waits) if self._waits else None
