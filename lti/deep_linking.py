"""Deep linking: an instructor in the LMS picks Quayside content; we answer a signed item.

The deep-linking request's settings are kept in the (just signed-in) session, so the answer is
built from what the platform asked for and never from the browser's word. The content item is
an `ltiResourceLink` whose custom parameter names the target, with a line item (a gradebook
column) for everything that has a result.
"""

from typing import Any, Final

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST
from lti_tool.models import LtiLaunch, LtiRegistration
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from lti.content import SCORE_MAXIMUM, linkable_targets, target_get
from lti.launch_errors import Refusal
from lti.middleware import lms_origin
from lti.models import GRADED_KINDS, TargetKind
from lti.protocol import registration_for
from lti.provisioning import target_parameter

DEEP_LINK_SESSION_KEY: Final = "lti_deep_link"
_SETTINGS_CLAIM: Final = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
_DEPLOYMENT_CLAIM: Final = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"


def selection_page(request: HttpRequest, lti_launch: LtiLaunch) -> HttpResponse:
    launch_data = lti_launch.get_launch_data()
    request.session[DEEP_LINK_SESSION_KEY] = {
        "registration_id": lti_launch.registration.pk,
        "deployment_id": launch_data[_DEPLOYMENT_CLAIM],
        "settings": launch_data[_SETTINGS_CLAIM],
    }
    return _picker(request)


def _picker(request: HttpRequest, status: int = 200) -> HttpResponse:
    targets = linkable_targets()
    groups = [(kind.label, targets[kind]) for kind in TargetKind]
    response = render(request, "lti/deep_link_picker.html", {"groups": groups}, status=status)
    return response


def content_item_for(*, kind: TargetKind, slug: str, title: str) -> DeepLinkResource:
    resource = (
        DeepLinkResource()
        .set_type("ltiResourceLink")
        .set_title(title)
        .set_url(_absolute(reverse("lti:launch")))
        .set_custom_params(target_parameter(kind=kind, slug=slug))
    )
    if kind in GRADED_KINDS:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(float(SCORE_MAXIMUM))
            .set_label(title)
            .set_resource_id(f"{kind}:{slug}")
        )
    return resource


def _absolute(path: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{path}"


@xframe_options_exempt
@login_required
@require_POST
def respond(request: HttpRequest) -> HttpResponse:
    """Answer the deep-linking request with the chosen target, signed with the tool's key."""
    from lti.views import refused

    pending: dict[str, Any] | None = request.session.get(DEEP_LINK_SESSION_KEY)
    if pending is None:
        return refused(
            request,
            Refusal(
                "No content picker is open",
                "Start again from the LMS's 'add activity' (deep linking) screen.",
                status=403,
            ),
        )
    kind, _, slug = request.POST.get("target", "").partition(":")
    target = target_get(kind=kind, slug=slug)
    if target is None:
        return _picker(request, status=400)
    registration = LtiRegistration.objects.get(pk=pending["registration_id"])
    deep_link = DeepLink(
        registration_for(registration), pending["deployment_id"], pending["settings"]
    )
    token = deep_link.get_response_jwt(
        [content_item_for(kind=target.kind, slug=target.slug, title=target.title)]
    )
    del request.session[DEEP_LINK_SESSION_KEY]
    return_url = pending["settings"]["deep_link_return_url"]
    response = render(
        request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": token}
    )
    # The page posts the signed items to the LMS: the site's `form-action 'self'` must name it.
    response._csp_config = {  # type: ignore[attr-defined]
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, *filter(None, [lms_origin(return_url)])],
    }
    return response
