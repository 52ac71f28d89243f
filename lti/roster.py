"""Names and Roles (NRPS): an instructor brings the LMS course's members into Quayside.

Members become accounts matched on (issuer, sub), exactly as a launch would make them, so a
learner who launches later is the same account, and their results go back to the gradebook.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiContext, LtiMembership
from pylti1p3.exception import LtiException

from certificates.api import certificate_latest_id
from lti.content import certificate_result, result_for_learner
from lti.grades import grade_deliveries_record
from lti.models import LtiLink, TargetKind
from lti.platform_services import nrps_for
from lti.provisioning import platform_user_account


class RosterError(Exception):
    """The platform offers no roster for this course, or refused to give it."""


@dataclass(frozen=True)
class RosterSync:
    members: int
    active: int
    accounts: int


def members_sync(*, context_id: int) -> RosterSync:
    """Fetch every page of the course's members and provision an account for each active one."""
    context = LtiContext.objects.select_related("deployment__registration").get(pk=context_id)
    if not context.memberships_url:
        raise RosterError("The LMS did not offer its Names and Roles service for this course.")
    try:
        members = nrps_for(context).get_members()
    except LtiException as error:
        raise RosterError(f"The LMS refused the roster: {error}") from error
    with transaction.atomic():
        context.update_memberships(members)
        memberships = LtiMembership.objects.filter(context=context, is_active=True).select_related(
            "user__registration"
        )
        roles_by_sub = {str(member["user_id"]): member.get("roles", []) for member in members}
        accounts = 0
        for membership in memberships:
            platform_user_account(
                lti_user=membership.user, roles=roles_by_sub.get(membership.user.sub, [])
            )
            accounts += 1
    return RosterSync(members=len(members), active=len(memberships), accounts=accounts)


def link_results_record(*, link_id: int) -> list[int]:
    """Record every member's current result on the placement (an instructor's "send all")."""
    link = LtiLink.objects.select_related("resource_link__context").get(pk=link_id)
    learner_ids = LtiMembership.objects.filter(
        context=link.resource_link.context, is_active=True, user__auth_user__isnull=False
    ).values_list("user__auth_user_id", flat=True)
    created: list[int] = []
    for learner_id in learner_ids:
        if link.target_kind == TargetKind.CERTIFICATION_PROGRAM:
            certificate_id = certificate_latest_id(
                learner_id=learner_id, program_slug=link.target_slug
            )
            found = (
                None
                if certificate_id is None
                else certificate_result(certificate_id=certificate_id)
            )
            result = None if found is None else found[2]
        else:
            result = result_for_learner(
                kind=link.target_kind, slug=link.target_slug, learner_id=learner_id
            )
        if result is not None:
            created += grade_deliveries_record(
                kind=link.target_kind,
                slug=link.target_slug,
                learner_id=learner_id,
                result=result,
            )
    return created


# Each run looks at this many placements; the rest wait for the next run.
REFRESH_LINKS_PER_RUN = 50


def links_results_refresh() -> list[int]:
    """Record current results for the assessment placements refreshed longest ago."""
    links = list(
        LtiLink.objects.filter(target_kind=TargetKind.ASSESSMENT)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:REFRESH_LINKS_PER_RUN]
    )
    created: list[int] = []
    for link_id in links:
        created += link_results_record(link_id=link_id)
        LtiLink.objects.filter(pk=link_id).update(updated_at=timezone.now())
    return created
