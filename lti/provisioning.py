"""Who a launch is, and what it opens: Quayside accounts for platform users, links for placements.

A platform user is matched on (issuer, sub) and nothing else. Their email is stored when it is
free, but it never links them to an existing account: a platform can assert any email, so
matching on it would let an LMS administrator sign in as anyone. When the email is taken (or
absent) the account gets a stable placeholder address under `.invalid`.
"""

import hashlib
from collections.abc import Iterable
from typing import Any, Final

from django.db import IntegrityError, transaction
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import LtiDeployment, LtiRegistration, LtiResourceLink, LtiUser

from accounts.api import (
    user_create_without_password,
    user_display_name_change,
    user_is_integration_managed,
    user_role_follow_integration,
)
from accounts.models import Role, User
from courses import api as courses_api
from lti.content import target_course_id, target_get
from lti.models import LtiLink

# The custom parameter a deep-linked placement carries: "<kind>:<slug>".
TARGET_PARAMETER: Final = "quayside_target"
PLACEHOLDER_EMAIL_DOMAIN: Final = "lti.invalid"
# Context roles (LIS v2 membership vocabulary) that author and grade in an LMS course.
_TEACHING_ROLES: Final = frozenset({"Instructor", "Administrator", "ContentDeveloper"})
_MEMBERSHIP_PREFIX: Final = "http://purl.imsglobal.org/vocab/lis/v2/membership"
MAX_NAME_LENGTH: Final = 150


class RegistrationError(Exception):
    """A platform registration cannot be stored as given."""


def quayside_role(roles: Iterable[str]) -> Role:
    """Instructor for teaching context roles (and teaching assistants), learner otherwise."""
    for raw in roles:
        role = normalize_role(str(raw))
        if not role.startswith(_MEMBERSHIP_PREFIX):
            continue
        path, _, name = role.partition("#")
        if name in _TEACHING_ROLES or path.endswith("/Instructor"):
            return Role.INSTRUCTOR
    return Role.LEARNER


def _display_name(claims: dict[str, Any], sub: str) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(str(part).strip() for part in parts if part).strip()
    return (name or f"LMS user {sub[:12]}")[:MAX_NAME_LENGTH]


def _placeholder_email(issuer: str, sub: str) -> str:
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:24]
    return f"lti-{digest}@{PLACEHOLDER_EMAIL_DOMAIN}"


def _email_if_free(claimed: object, *, user: User | None = None) -> str | None:
    email = str(claimed or "").strip().lower()
    if not email or "@" not in email:
        return None
    taken = User.objects.filter(email=email)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    return None if taken.exists() else email


@transaction.atomic
def platform_user_account(*, lti_user: LtiUser, roles: Iterable[str]) -> User:
    """The Quayside account of a platform user, created on first sight with name and email.

    Matched on (issuer, sub) across registrations of the same issuer. Later launches update the
    name (certificates follow) and, for accounts only integrations manage, the role.
    """
    issuer = lti_user.registration.issuer
    role = quayside_role(roles)
    claims = {"name": lti_user.name, "given_name": lti_user.given_name}
    claims["family_name"] = lti_user.family_name
    name = _display_name(claims, lti_user.sub)
    user = lti_user.auth_user or (
        User.objects.filter(lti_users__registration__issuer=issuer, lti_users__sub=lti_user.sub)
        .order_by("pk")
        .first()
    )
    if user is None:
        user = _account_create(
            issuer=issuer, sub=lti_user.sub, claimed_email=lti_user.email, name=name, role=role
        )
    else:
        if lti_user.name or lti_user.given_name or lti_user.family_name:
            user_display_name_change(user=user, display_name=name)
        user_role_follow_integration(user=user, role=role)
    if lti_user.auth_user_id != user.pk:
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
    return user


def _account_create(*, issuer: str, sub: str, claimed_email: str, name: str, role: Role) -> User:
    placeholder = _placeholder_email(issuer, sub)
    for email in (_email_if_free(claimed_email), placeholder):
        if email is None:
            continue
        try:
            with transaction.atomic():
                return user_create_without_password(email=email, display_name=name, role=role)
        except IntegrityError:
            continue  # taken meanwhile: by this person's other launch, or by someone else
    # Only an account no one holds a password for may be this platform user's.
    user = User.objects.filter(email=placeholder).first()
    if user is None or not user_is_integration_managed(user):
        raise IntegrityError(f"The placeholder address {placeholder} belongs to another account.")
    return user


def course_membership_record(*, user: User, roles: Iterable[str], course_id: int | None) -> None:
    """A launch into a placement of a course: its learners are enrolled in the course, and
    those with a teaching role in the LMS course become its staff (source: the LMS)."""
    if course_id is None:
        return
    if quayside_role(roles) == Role.INSTRUCTOR:
        courses_api.course_staff_add_from_lms(course_id=course_id, user=user)
    else:
        courses_api.enrolment_for_course(
            course_id=course_id, learner=user, source=courses_api.EnrolmentSource.LMS
        )


def target_parameter(*, kind: str, slug: str) -> dict[str, str]:
    return {TARGET_PARAMETER: f"{kind}:{slug}"}


@transaction.atomic
def link_for_resource(
    *, resource_link: LtiResourceLink, custom: dict[str, Any] | None, lineitem_url: str | None
) -> LtiLink | None:
    """The placement's link, created from its custom parameter on first launch.

    Returns None when the placement names nothing Quayside has (no parameter, or a target that
    no longer exists). The platform's line item URL, when it sends one, is remembered.
    """
    link = LtiLink.objects.filter(resource_link=resource_link).first()
    if link is None:
        kind, _, slug = str((custom or {}).get(TARGET_PARAMETER, "")).partition(":")
        if target_get(kind=kind, slug=slug) is None:
            return None
        link, _ = LtiLink.objects.get_or_create(
            resource_link=resource_link,
            defaults={
                "target_kind": kind,
                "target_slug": slug,
                "course_id": target_course_id(kind=kind, slug=slug),
            },
        )
    if lineitem_url and link.lineitem_url != lineitem_url:
        link.lineitem_url = lineitem_url
        link.save(update_fields=["lineitem_url", "updated_at"])
    return link


@transaction.atomic
def platform_register(
    *,
    name: str,
    issuer: str,
    client_id: str,
    deployment_ids: list[str],
    auth_url: str,
    token_url: str,
    keyset_url: str,
    audience: str = "",
) -> tuple[LtiRegistration, bool]:
    """Store (or update) a platform registration and activate the given deployment ids.

    Returns the registration and whether it was created. Deployment ids not listed are left as
    they are (an administrator deactivates them in the admin).
    """
    for label, url in (("auth", auth_url), ("token", token_url), ("JWKS", keyset_url)):
        if not url.startswith(("https://", "http://")):
            raise RegistrationError(f"The {label} URL must be an http(s) URL, not {url!r}.")
    if not issuer or not client_id:
        raise RegistrationError("A registration needs an issuer and a client id.")
    registration, created = LtiRegistration.objects.update_or_create(
        issuer=issuer,
        client_id=client_id,
        defaults={
            "name": name,
            "auth_url": auth_url,
            "token_url": token_url,
            "keyset_url": keyset_url,
            "audience": audience,
            "is_active": True,
        },
    )
    for deployment_id in deployment_ids:
        LtiDeployment.objects.update_or_create(
            registration=registration, deployment_id=deployment_id, defaults={"is_active": True}
        )
    return registration, created
