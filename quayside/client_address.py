"""The client's address, the one rule every rate limit keys on (DRF throttles, log-in lockouts).

It is DRF's throttle identity under REST_FRAMEWORK["NUM_PROXIES"] (the NUM_PROXIES setting):
with 0 proxies, the socket's REMOTE_ADDR, whatever X-Forwarded-For says; behind N trusted
proxies, the address the outermost of them saw (Nth from the right of X-Forwarded-For). A client
can prepend anything to that header, so only the entries our own proxies appended count.
"""

from typing import cast

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest | Request) -> str:
    # get_ident reads only request.META (and its headers), which both kinds of request have.
    return BaseThrottle().get_ident(cast(Request, request)) or ""
