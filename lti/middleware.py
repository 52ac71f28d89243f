"""Quayside inside an LMS iframe: cookies that survive third-party contexts, and framing.

A page in an iframe on the LMS's site is a third-party context: a browser sends it only cookies
marked `SameSite=None; Secure`, and (with third-party cookies blocked, as Chrome does) only
cookies that are also `Partitioned` (CHIPS), kept in a jar of their own for that LMS. So:
- `EmbeddedCookiesMiddleware` (outside the session and CSRF middleware) marks the session and
  CSRF cookies of a session that began with an LTI launch, and PyLTI1p3's `lti1p3-*` login
  cookies, that way. Over plain HTTP it changes nothing: browsers refuse `SameSite=None`
  without `Secure`.
- `EmbeddedFrameMiddleware` (inside X-Frame-Options) lets only the launching LMS frame those
  sessions' pages: no X-Frame-Options DENY, and CSP `frame-ancestors` naming its origins.
"""

from collections.abc import Callable
from http.cookies import Morsel
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

EMBEDDED_SESSION_KEY: Final = "lti_embedded"
LIBRARY_COOKIE_PREFIX: Final = "lti1p3-"
_RETURN_URL_CLAIM: Final = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"

# Python learns the Partitioned attribute in 3.14; before that, teach http.cookies the flag the
# way PyLTI1p3 taught it SameSite.
if "partitioned" not in Morsel._reserved:  # type: ignore[attr-defined]
    Morsel._reserved["partitioned"] = "Partitioned"  # type: ignore[attr-defined]
    Morsel._flags.add("partitioned")  # type: ignore[attr-defined]


def lms_origin(url: object) -> str | None:
    """`https://lms.example.edu` of a URL the LMS sent, or None when it is not http(s)."""
    parts = urlsplit(str(url or ""))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def session_mark_embedded(request: HttpRequest, *, launch_data: Any) -> None:
    """Remember, for this session, the LMS origins that may frame it (issuer, return URL)."""
    presentation = (launch_data or {}).get(_RETURN_URL_CLAIM) or {}
    origins = {
        origin
        for origin in (
            lms_origin(launch_data.get("iss")),
            lms_origin(presentation.get("return_url")),
        )
        if origin
    }
    request.session[EMBEDDED_SESSION_KEY] = {"frame_origins": sorted(origins)}


def embedded_frame_origins(request: HttpRequest) -> list[str] | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    embedded = session.get(EMBEDDED_SESSION_KEY)
    return None if embedded is None else list(embedded.get("frame_origins", []))


def _mark_third_party(morsel: Any) -> None:
    morsel["samesite"] = "None"
    morsel["secure"] = True
    morsel["partitioned"] = True


class EmbeddedCookiesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.is_secure():
            return response
        embedded = embedded_frame_origins(request) is not None
        session_cookies = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
        for name, morsel in response.cookies.items():
            if name.startswith(LIBRARY_COOKIE_PREFIX) or (embedded and name in session_cookies):
                _mark_third_party(morsel)
        return response


class EmbeddedFrameMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origins = embedded_frame_origins(request)
        if origins is None:
            return response
        response.xframe_options_exempt = True
        ancestors = ["'self'", *origins]
        # A view may have widened the policy already (the deep-linking return posts to the LMS).
        site_policy = dict(
            getattr(response, "_csp_config", None) or getattr(settings, "SECURE_CSP", {}) or {}
        )
        if site_policy:
            # Django's CSP middleware builds the site's policy with these frame ancestors.
            response._csp_config = {**site_policy, "frame-ancestors": ancestors}  # type: ignore[attr-defined]
        elif "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = f"frame-ancestors {' '.join(ancestors)}"
        return response
