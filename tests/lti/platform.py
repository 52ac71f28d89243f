"""An LTI 1.3 platform we did not write (lti1p3platform), served on loopback for the tests.

lti1p3platform (MIT; its docstrings suggest it derives from Open edX's AGPL LTI consumer) is a
test-only dependency. Its classes build and sign the platform's messages and verify the tool's
JWTs; this module puts them behind a small HTTP server (its Django adapter does not import) and
adds the checks the library leaves out, so that a wrong message from our tool fails the test:
- the client assertion of a token request: iss = sub = client id, aud = the token URL, exp in
  the future, a jti never seen before, RS256, a kid the tool publishes;
- a deep-linking response: aud = the platform's issuer, iss = the client id, the deployment id
  of the request, a nonce, a known content item type;
- a score: the AGS media type, a bearer token with the score scope, a known userId, numeric
  scoreGiven/scoreMaximum within range, the activity and grading progress vocabularies, and an
  ISO 8601 timestamp with a time zone.
The tool's JWKS is read through Django's test client (the tool is not a live server).
"""

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.score import ActivityProgress, GradeProgress

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
MEMBERS_PAGE_SIZE = 2
# Opaque to the tool, which must hand it back in its deep-linking response.
DEEP_LINK_DATA = {"token": "opaque-platform-data"}


class SpecViolation(AssertionError):
    """Our tool sent the platform something the LTI specifications forbid."""


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class _PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]
        self._tool_jwks: Callable[[], dict[str, Any]] = kwargs["tool_jwks"]
        # A platform may cache a tool's key set; ours re-reads it, so rotation is visible.
        self._registration.set_tool_key_set(None)

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration

    def fetch_public_key(self, key_set_url: str) -> Any:
        return self._tool_jwks()

    def get_tool_key_set(self) -> Any:
        return self._tool_jwks()


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def __init__(self, preflight: dict[str, Any], conf: _PlatformConf) -> None:
        super().__init__(None, conf)  # type: ignore[arg-type]
        self._preflight = preflight

    def get_preflight_response(self) -> dict[str, Any]:
        return self._preflight

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


@dataclass
class Member:
    sub: str
    name: str
    email: str
    roles: list[str]
    status: str = "Active"


@dataclass
class PendingLaunch:
    member: Member
    resource_link_id: str | None
    custom: dict[str, str]
    deep_link: bool
    lineitem_id: str | None
    id_token_lifetime: int = 300
    tamper: Callable[[dict[str, Any]], None] | None = None


@dataclass
class Form:
    """An auto-submitting HTML form the browser (the test) would post."""

    action: str
    fields: dict[str, str]


@dataclass
class FakePlatform:
    base_url: str
    issuer: str
    client_id: str
    deployment_id: str
    tool: dict[str, Any]
    tool_jwks: Callable[[], dict[str, Any]]
    private_key: str = ""
    public_key: str = ""
    context_id: str = "course-101"
    members: dict[str, Member] = field(default_factory=dict)
    lineitems: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    content_items: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    seen_jtis: set[str] = field(default_factory=set)
    fail_scores: list[int] = field(default_factory=list)
    _pending: dict[str, PendingLaunch] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.private_key, self.public_key = _pem_pair()

    # What the platform knows about the tool: registered from `manage.py lti_tool_config`.
    def registration(self) -> Registration:
        return (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(self.tool["initiate_login_uri"])
            .set_launch_url(self.tool["target_link_uri"])
            .set_deeplink_launch_url(self.tool["deep_linking_url"])
            .set_tool_key_set_url(self.tool["jwks_uri"])
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
        )

    def conf(self) -> _PlatformConf:
        return _PlatformConf(registration=self.registration(), tool_jwks=self.tool_jwks)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    # The platform's side of a launch ------------------------------------------------------------

    def enrol(self, sub: str, name: str, email: str, roles: list[str] | None = None) -> Member:
        member = Member(sub=sub, name=name, email=email, roles=roles or [LEARNER])
        self.members[sub] = member
        return member

    def lineitem_create(self, label: str, resource_link_id: str, resource_id: str = "") -> str:
        item_id = self.url(f"/lineitems/{uuid.uuid4().hex[:8]}")
        self.lineitems[item_id] = {
            "id": item_id,
            "label": label,
            "scoreMaximum": 100,
            "resourceLinkId": resource_link_id,
            "resourceId": resource_id,
        }
        return item_id

    def login_initiation(self, pending: PendingLaunch) -> str:
        """The URL the browser is sent to first: the tool's OIDC login initiation."""
        hint = uuid.uuid4().hex
        self._pending[hint] = pending
        target = (
            self.tool["deep_linking_url"] if pending.deep_link else self.tool["target_link_uri"]
        )
        query = {
            "iss": self.issuer,
            "login_hint": pending.member.sub,
            "target_link_uri": target,
            "lti_message_hint": hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        return f"{self.tool['initiate_login_uri']}?{urlencode(query)}"

    def authenticate(self, query: dict[str, str]) -> Form:
        """The OIDC authentication endpoint: check the tool's request, answer an id_token."""
        self._require(query.get("response_type") == "id_token", "response_type must be id_token")
        self._require(query.get("scope") == "openid", "scope must be openid")
        self._require(query.get("response_mode") == "form_post", "response_mode must be form_post")
        self._require(query.get("prompt") == "none", "prompt must be none")
        self._require(query.get("client_id") == self.client_id, "client_id must be ours")
        self._require(
            query.get("redirect_uri") in self.tool["redirect_uris"],
            "redirect_uri must be one the tool registered",
        )
        self._require(bool(query.get("nonce")) and bool(query.get("state")), "nonce and state")
        pending = self._pending.pop(query.get("lti_message_hint", ""), None)
        self._require(pending is not None, "lti_message_hint must be the one we sent")
        assert pending is not None
        self._require(query.get("login_hint") == pending.member.sub, "login_hint must round-trip")
        launch = _Launch(dict(query), self.conf())
        launch.set_id_token_expiration(pending.id_token_lifetime)
        member = pending.member
        launch.set_user_data(member.sub, member.roles, member.name, member.email)
        launch.set_launch_context_claim(
            self.context_id,
            ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            "Docker 101",
            "D101",
        )
        launch.set_launch_presentation_claim("iframe", self.url("/return"))
        launch.set_nrps(self.url(f"/contexts/{self.context_id}/memberships"))
        launch.set_ags(
            lineitems_url=self.url("/lineitems"),
            lineitem_url=pending.lineitem_id,
            allow_creating_lineitems=True,
        )
        if pending.custom:
            launch.set_custom_parameters_claim(pending.custom)
        if pending.deep_link:
            launch.set_dl(
                self.url("/deep-link-return"),
                title="Add content",
                accept_types={"ltiResourceLink"},
                extra_data=DEEP_LINK_DATA,
            )
        else:
            assert pending.resource_link_id is not None
            launch.set_resource_link_claim(pending.resource_link_id, title="Quayside activity")
        if pending.tamper is not None:
            launch._registration = self.registration()
            message = launch.get_launch_message()
            message["nonce"] = query["nonce"]
            pending.tamper(message)
            token = self.registration().platform_encode_and_sign(
                message, expiration=pending.id_token_lifetime
            )
            return Form(query["redirect_uri"], {"id_token": token, "state": query["state"]})
        data = launch.lti_launch()
        return Form(data["launch_url"], {"id_token": data["id_token"], "state": data["state"]})

    # Services the tool calls ----------------------------------------------------------------

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        assertion = form.get("client_assertion", "")
        self.token_requests.append(dict(form))
        self._require(
            form.get("client_assertion_type")
            == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion_type must be jwt-bearer",
        )
        header = jwt.get_unverified_header(assertion)
        self._require(header.get("alg") == "RS256", "client assertion must be RS256")
        kids = {key["kid"] for key in self.tool_jwks()["keys"]}
        self._require(header.get("kid") in kids, "client assertion kid must be in the tool JWKS")
        conf = self.conf()
        response = conf.get_access_token(form)  # lti1p3platform verifies the signature
        claims = jwt.decode(assertion, options={"verify_signature": False})
        self._require(claims.get("iss") == self.client_id, "assertion iss must be the client id")
        self._require(claims.get("sub") == self.client_id, "assertion sub must be the client id")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        self._require(self.url("/token") in audiences, "assertion aud must be the token URL")
        self._require(claims.get("exp", 0) > time.time(), "assertion must not have expired")
        jti = claims.get("jti")
        self._require(bool(jti) and jti not in self.seen_jtis, "assertion jti must be fresh")
        self.seen_jtis.add(str(jti))
        return 200, dict(response)

    def bearer_scopes(self, authorization: str) -> set[str]:
        token = authorization.removeprefix("Bearer ").strip()
        claims = Registration.decode_and_verify(token, self.public_key)
        return set(str(claims.get("scopes", "")).split())

    def score(self, lineitem_id: str, content_type: str, body: bytes) -> int:
        self._require(content_type.split(";")[0] == SCORE_MEDIA_TYPE, "score media type")
        self._require(lineitem_id in self.lineitems, f"unknown line item {lineitem_id}")
        score = json.loads(body)
        self._require(score.get("userId") in self.members, "userId must be a member's sub")
        given, maximum = score.get("scoreGiven"), score.get("scoreMaximum")
        self._require(isinstance(maximum, int | float) and maximum > 0, "scoreMaximum > 0")
        self._require(isinstance(given, int | float) and given >= 0, "scoreGiven >= 0")
        self._require(given <= maximum, "scoreGiven <= scoreMaximum")
        self._require(
            score.get("activityProgress") in {p.value for p in ActivityProgress},
            "activityProgress vocabulary",
        )
        self._require(
            score.get("gradingProgress") in {p.value for p in GradeProgress},
            "gradingProgress vocabulary",
        )
        stamp = datetime.fromisoformat(str(score.get("timestamp")))
        self._require(stamp.tzinfo is not None, "timestamp must carry a time zone")
        if self.fail_scores:
            return self.fail_scores.pop(0)
        self.scores.setdefault(lineitem_id, []).append(score)
        return 200

    def members_page(self, offset: int) -> tuple[dict[str, Any], str | None]:
        members = list(self.members.values())
        page = members[offset : offset + MEMBERS_PAGE_SIZE]
        body = {
            "id": self.url(f"/contexts/{self.context_id}/memberships"),
            "context": {"id": self.context_id, "title": "Docker 101"},
            "members": [
                {
                    "user_id": m.sub,
                    "name": m.name,
                    "email": m.email,
                    "roles": m.roles,
                    "status": m.status,
                }
                for m in page
            ],
        }
        following = offset + MEMBERS_PAGE_SIZE
        next_url = (
            self.url(f"/contexts/{self.context_id}/memberships?offset={following}")
            if following < len(members)
            else None
        )
        return body, next_url

    def deep_link_return(self, token: str) -> None:
        conf = self.conf()
        items = conf.validate_deeplinking_resp({"JWT": token})
        claims = jwt.decode(token, options={"verify_signature": False})
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        self._require(self.issuer in audiences, "deep-link response aud must be our issuer")
        self._require(claims.get("iss") == self.client_id, "deep-link iss must be the client id")
        self._require(
            claims.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id")
            == self.deployment_id,
            "deep-link deployment_id must be the request's",
        )
        self._require(bool(claims.get("nonce")), "deep-link response needs a nonce")
        self._require(
            claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/data") == DEEP_LINK_DATA,
            "deep-link response must return the request's data",
        )
        for item in items:
            self._require(item.get("type") == "ltiResourceLink", "content item type")
        self.content_items.extend(items)

    def _require(self, condition: bool, rule: str) -> None:
        if not condition:
            self.violations.append(rule)
            raise SpecViolation(rule)


class _PlatformHandler(BaseHTTPRequestHandler):
    """The platform's HTTP endpoints; `_handler_for` binds one to its `platform`."""

    platform: FakePlatform

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorised(self, scope: str) -> bool:
        try:
            scopes = self.platform.bearer_scopes(self.headers.get("Authorization", ""))
        except jwt.PyJWTError:
            self._send(401, {"error": "invalid token"})
            return False
        if scope not in scopes:
            self._send(403, {"error": f"missing scope {scope}"})
            return False
        return True

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        try:
            if parts.path == "/jwks":
                self._send(200, self.platform.conf().get_jwks())
            elif parts.path == "/lineitems":
                if self._authorised(LINEITEM_SCOPE):
                    self._send(200, list(self.platform.lineitems.values()))
            elif parts.path.endswith("/memberships"):
                if self._authorised(MEMBERSHIP_SCOPE):
                    body, next_url = self.platform.members_page(int(query.get("offset", 0)))
                    links = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
                    self._send(200, body, links)
            else:
                self._send(404, {"error": "not found"})
        except SpecViolation as violation:
            self._send(400, {"error": str(violation)})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
        try:
            if parts.path == "/token":
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                self._send(*self.platform.token(form))
            elif parts.path == "/lineitems":
                if self._authorised(LINEITEM_SCOPE):
                    self._lineitem_create(json.loads(body))
            elif parts.path.endswith("/scores"):
                if self._authorised(SCORE_SCOPE):
                    item_id = self.platform.url(parts.path.removesuffix("/scores"))
                    content_type = self.headers.get("Content-Type", "")
                    status = self.platform.score(item_id, content_type, body)
                    self._send(status, {} if status >= 400 else None)
            else:
                self._send(404, {"error": "not found"})
        except SpecViolation as violation:
            self._send(400, {"error": str(violation)})

    def _lineitem_create(self, wanted: dict[str, Any]) -> None:
        item_id = self.platform.lineitem_create(
            wanted.get("label", ""),
            wanted.get("resourceLinkId", ""),
            wanted.get("resourceId", ""),
        )
        self._send(201, self.platform.lineitems[item_id])


def _handler_for(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_PlatformHandler,), {"platform": platform})


class PlatformServer:
    """The platform on 127.0.0.1:<free port>, stopped by `close()`."""

    def __init__(self, make: Callable[[str], FakePlatform]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(None))  # type: ignore[arg-type]
        host, port = self._server.server_address[:2]
        self.platform = make(f"http://{host!s}:{port}")
        self._server.RequestHandlerClass = _handler_for(self.platform)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


_INPUT = re.compile(r'<input[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')
_FORM = re.compile(
    r'<form id="(?P<id>[^"]+)"[^>]*action="(?P<action>[^"]+)"(?P<rest>.*?)</form>', re.S
)


def form_in(html: str, form_id: str = "deep-link-return") -> Form:
    """The auto-submitting form of an HTML page (the deep-link return page)."""
    from html import unescape

    for form in _FORM.finditer(html):
        if form.group("id") == form_id:
            fields = {
                m.group("name"): unescape(m.group("value"))
                for m in _INPUT.finditer(form.group("rest"))
            }
            return Form(unescape(form.group("action")), fields)
    raise AssertionError(f"no form {form_id!r} in the page")


__all__ = ["FakePlatform", "Form", "PendingLaunch", "PlatformServer", "escape", "form_in"]
