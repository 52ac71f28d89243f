"""The tool's endpoints: OIDC login initiation, launch, JWKS, deep-link selection.

Thin: protocol checks live in `lti.protocol`, accounts and links in `lti.provisioning`, the
deep-link message in `lti.deep_linking`. Every refusal renders `lti/refused.html`.
"""

import logging
from typing import Any, Final

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from lti_tool.models import LtiLaunch
from lti_tool.utils import sync_data_from_launch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from accounts.api import request_user
from accounts.models import Role
from lti import deep_linking
from lti.content import target_course_id, target_landing_url
from lti.keys import tool_jwks
from lti.launch_errors import Refusal, refusal_for
from lti.middleware import session_mark_embedded
from lti.protocol import QuaysideToolConfig, message_launch_for
from lti.provisioning import (
    course_membership_record,
    link_for_resource,
    platform_user_account,
    quayside_role,
)

logger = logging.getLogger(__name__)

AUTH_BACKEND: Final = "django.contrib.auth.backends.ModelBackend"
JWKS_CACHE_SECONDS: Final = 300


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    response = render(request, "lti/refused.html", {"refusal": refusal}, status=refusal.status)
    response.xframe_options_exempt = True
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys: the signing key and any replaced within the overlap period."""
    response = JsonResponse(tool_jwks())
    response["Cache-Control"] = f"public, max-age={JWKS_CACHE_SECONDS}"
    return response


@method_decorator((csrf_exempt, xframe_options_exempt), name="dispatch")
class OidcLogin(View):
    """Third-party initiated login: answer the platform with an OIDC authentication request."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._login(request, request.GET)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self._login(request, request.POST)

    def _login(self, request: HttpRequest, params: Any) -> HttpResponse:
        target_link_uri = params.get("target_link_uri")
        if not target_link_uri:
            return refused(
                request,
                Refusal("This launch is incomplete", "The LMS sent no target_link_uri."),
            )
        login_request = DjangoOIDCLogin(
            request, QuaysideToolConfig(), launch_data_storage=DjangoCacheDataStorage()
        )
        try:
            response: HttpResponse = login_request.enable_check_cookies(
                main_msg="Your browser blocks cookies in embedded pages.",
                click_msg="Open the activity in a new window.",
            ).redirect(launch_url())
        except (LtiException, OIDCException) as error:
            logger.info("OIDC login refused: %s", error)
            return refused(request, refusal_for(error))
        return response


def launch_url() -> str:
    """The redirect URI registered with platforms (SITE_URL, not the request's Host header)."""
    return f"{settings.SITE_URL}{reverse('lti:launch')}"


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["POST"])
def launch(request: HttpRequest) -> HttpResponse:
    """A resource-link or deep-linking launch: checked, spent, then the user is signed in."""
    message_launch = message_launch_for(request)
    try:
        message_launch.validate()
    except (LtiException, OIDCException) as error:
        logger.info("LTI launch refused: %s", error)
        return refused(request, refusal_for(error))
    lti_launch = LtiLaunch(message_launch)
    if not lti_launch.deployment.is_active:
        return refused(
            request,
            Refusal(
                "This LMS deployment is not activated in Quayside",
                f"Deployment {lti_launch.deployment.deployment_id!r} of "
                f"{lti_launch.registration.name} is recorded but inactive. An administrator "
                "activates it in the admin (LTI deployments) or with "
                "`manage.py lti_register_platform --deployment-id`.",
                status=403,
            ),
        )
    if not (lti_launch.is_resource_launch or lti_launch.is_deep_link_launch):
        return refused(
            request,
            Refusal(
                "Quayside cannot open this kind of launch",
                "Only resource links and deep linking are supported.",
            ),
        )
    sync_data_from_launch(lti_launch)
    roles = list(lti_launch.roles_claim or [])
    user = platform_user_account(lti_user=lti_launch.user, roles=roles)
    login(request, user, backend=AUTH_BACKEND)
    session_mark_embedded(request, launch_data=lti_launch.get_launch_data())
    if lti_launch.is_deep_link_launch:
        if quayside_role(roles) != Role.INSTRUCTOR:
            return refused(
                request,
                Refusal(
                    "Only instructors can add Quayside content",
                    "Deep linking needs an instructor role in the LMS course.",
                    status=403,
                ),
            )
        return deep_linking.selection_page(request, lti_launch)
    return _resource_landing(request, lti_launch)


def _resource_landing(request: HttpRequest, lti_launch: LtiLaunch) -> HttpResponse:
    ags = lti_launch.ags_claim or {}
    link = link_for_resource(
        resource_link=lti_launch.resource_link,
        custom=lti_launch.get_claim("https://purl.imsglobal.org/spec/lti/claim/custom"),
        lineitem_url=ags.get("lineitem"),
    )
    if link is None:
        return refused(
            request,
            Refusal(
                "This link does not open any Quayside content yet",
                "Add the activity again through the LMS's content picker (deep linking), or "
                "give it the custom parameter quayside_target=<kind>:<slug>.",
                status=404,
            ),
        )
    course_membership_record(
        user=request_user(request),
        roles=list(lti_launch.roles_claim or []),
        course_id=target_course_id(kind=link.target_kind, slug=link.target_slug),
    )
    return HttpResponseRedirect(target_landing_url(kind=link.target_kind, slug=link.target_slug))
