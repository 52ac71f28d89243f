"""The tool's configuration as a platform reads it (OpenID client metadata with the LTI part)."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from lti.keys import tool_signing_key
from lti.platform_services import TOOL_SCOPES

TOOL_NAME = "Quayside"
_LTI_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def _absolute(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}"


def tool_configuration() -> dict[str, Any]:
    """What `manage.py lti_tool_config` prints: every URL and scope a platform registers.

    Shaped as LTI Dynamic Registration's client metadata, so Moodle and Canvas fields map one to
    one; the current public key is included for platforms that take a key instead of a URL.
    """
    launch_url = _absolute("lti:launch")
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    return {
        "application_type": "web",
        "client_name": TOOL_NAME,
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "token_endpoint_auth_method": "private_key_jwt",
        "initiate_login_uri": _absolute("lti:login"),
        "redirect_uris": [launch_url],
        "target_link_uri": launch_url,
        "deep_linking_url": launch_url,
        "jwks_uri": _absolute("lti:jwks"),
        "scope": " ".join(TOOL_SCOPES),
        "public_jwk": tool_signing_key().public_jwk(),
        _LTI_CONFIGURATION: {
            "domain": domain,
            "target_link_uri": launch_url,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch_url},
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": launch_url,
                    "label": "Add Quayside content",
                    "placements": ["ContentArea"],
                },
            ],
        },
    }
