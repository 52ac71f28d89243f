"""Calls from Quayside to a platform's LTI Advantage services (AGS scores, NRPS rosters).

Each call signs a client assertion with the tool's current key (PyLTI1p3's ServiceConnector),
exchanges it for an access token at the platform, and gives up after LMS_HTTP_TIMEOUT_SECONDS.
"""

from typing import Any, Final

import requests
from django.conf import settings
from lti_tool.models import LtiContext
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import REQUESTS_USER_AGENT, ServiceConnector

from lti.protocol import registration_for

SCORE_SCOPE: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READ_SCOPE: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
RESULT_READ_SCOPE: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
MEMBERSHIP_SCOPE: Final = (
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
)
# What the tool asks platforms for (printed by `manage.py lti_tool_config`).
TOOL_SCOPES: Final = (
    LINEITEM_SCOPE,
    LINEITEM_READ_SCOPE,
    RESULT_READ_SCOPE,
    SCORE_SCOPE,
    MEMBERSHIP_SCOPE,
)


class _BoundedSession(requests.Session):
    """PyLTI1p3 sets no timeout; a platform that hangs must not hold a worker for ever."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", settings.LMS_HTTP_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def _connector(context: LtiContext) -> ServiceConnector:
    session = _BoundedSession()
    session.headers["User-Agent"] = f"Quayside ({REQUESTS_USER_AGENT})"
    return ServiceConnector(registration_for(context.deployment.registration), session)


def ags_for(context: LtiContext, *, lineitem_url: str = "") -> AssignmentsGradesService:
    scopes = [SCORE_SCOPE]
    if context.can_manage_lineitems:
        scopes.append(LINEITEM_SCOPE)
    if context.can_query_lineitems:
        scopes.append(LINEITEM_READ_SCOPE)
    claim: dict[str, Any] = {"scope": scopes, "lineitems": context.lineitems_url}
    if lineitem_url:
        claim["lineitem"] = lineitem_url
    return AssignmentsGradesService(_connector(context), claim)  # type: ignore[arg-type]


def nrps_for(context: LtiContext) -> NamesRolesProvisioningService:
    claim = {"context_memberships_url": context.memberships_url, "service_versions": ["2.0"]}
    return NamesRolesProvisioningService(_connector(context), claim)  # type: ignore[arg-type]
