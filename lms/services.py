"""Writes of service accounts."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from accounts.api import user_create_without_password, user_display_name_change
from accounts.models import Role, User
from courses import api as courses_api
from lms.models import ExternalLearnerId, ServiceAccount
from lms.tokens import token_hash, token_new, token_prefix


class ServiceAccountError(Exception):
    """A service account cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class IssuedServiceAccount:
    account: ServiceAccount
    # Shown once: only its hash is stored.
    token: str


@transaction.atomic
def service_account_create(
    *, name: str, course_slugs: list[str], learner_emails: list[str]
) -> IssuedServiceAccount:
    """Create an active service account scoped to the given courses and learners.

    Raises ServiceAccountError for a taken name, an unknown course or learner, or a learner who is
    not a plain learner (a service account never acts for an instructor or administrator).
    """
    if ServiceAccount.objects.filter(name=name).exists():
        raise ServiceAccountError(f"A service account named {name!r} exists already.")
    course_ids = courses_api.course_ids_by_slug(slugs=course_slugs)
    missing_courses = sorted(set(course_slugs) - course_ids.keys())
    if missing_courses:
        raise ServiceAccountError(f"No course(s): {', '.join(missing_courses)}.")
    emails = [email.strip().lower() for email in learner_emails]
    learners = list(User.objects.filter(email__in=emails))
    missing_learners = sorted(set(emails) - {learner.email for learner in learners})
    if missing_learners:
        raise ServiceAccountError(f"No user(s): {', '.join(missing_learners)}.")
    not_learners = sorted(
        learner.email
        for learner in learners
        if learner.role != Role.LEARNER or learner.is_superuser
    )
    if not_learners:
        raise ServiceAccountError(f"Not learner account(s): {', '.join(not_learners)}.")
    token = token_new()
    account = ServiceAccount.objects.create(
        name=name, token_hash=token_hash(token), token_prefix=token_prefix(token)
    )
    account.courses.set(course_ids.values())
    account.learners.set(learners)
    return IssuedServiceAccount(account=account, token=token)


class ProvisioningError(Exception):
    """A learner cannot be provisioned as asked; `status` and `code` say how to answer."""

    def __init__(self, message: str, *, code: str, status: int = 409) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


@dataclass(frozen=True)
class ProvisionedLearner:
    learner: User
    external_id: str | None
    created: bool


@transaction.atomic
def learner_provision(
    *, account_id: int, email: str, display_name: str, external_id: str | None
) -> ProvisionedLearner:
    """Create a learner (no password) in the account's scope, or update one already in it.

    The learner is found by external id, then by email among the account's learners. An email
    that belongs to an account outside this scope is refused (409 `email_taken`): a service
    account never takes over an account someone else holds; an administrator adds it to scope.
    """
    account = ServiceAccount.objects.select_for_update().get(pk=account_id)
    email = email.strip().lower()
    learner = None
    if external_id:
        learner = User.objects.filter(
            lms_external_ids__account=account, lms_external_ids__external_id=external_id
        ).first()
    if learner is None:
        learner = account.learners.filter(email=email).first()
    if learner is None:
        if User.objects.filter(email=email).exists():
            raise ProvisioningError(
                f"{email} already has an account outside this service account's scope; an "
                "administrator can add it to the scope.",
                code="email_taken",
            )
        learner = user_create_without_password(
            email=email, display_name=display_name, role=Role.LEARNER
        )
        account.learners.add(learner)
        if external_id:
            _external_id_set(account=account, learner=learner, external_id=external_id)
        return ProvisionedLearner(learner=learner, external_id=external_id, created=True)
    return _learner_update(
        account=account,
        learner=learner,
        email=email,
        display_name=display_name,
        external_id=external_id,
    )


@transaction.atomic
def learner_update(
    *,
    account_id: int,
    learner_id: int,
    email: str | None,
    display_name: str | None,
    external_id: str | None,
) -> ProvisionedLearner | None:
    """Change a learner in the account's scope; None when the learner is not in it."""
    account = ServiceAccount.objects.select_for_update().get(pk=account_id)
    learner = account.learners.filter(pk=learner_id).first()
    if learner is None:
        return None
    return _learner_update(
        account=account,
        learner=learner,
        email=(email or learner.email).strip().lower(),
        display_name=display_name or "",
        external_id=external_id,
    )


def _learner_update(
    *,
    account: ServiceAccount,
    learner: User,
    email: str,
    display_name: str,
    external_id: str | None,
) -> ProvisionedLearner:
    _email_change(learner=learner, email=email)
    if display_name.strip():
        user_display_name_change(user=learner, display_name=display_name)
    if external_id:
        _external_id_set(account=account, learner=learner, external_id=external_id)
    current = (
        ExternalLearnerId.objects.filter(account=account, learner=learner)
        .values_list("external_id", flat=True)
        .first()
    )
    return ProvisionedLearner(learner=learner, external_id=current, created=False)


def _email_change(*, learner: User, email: str) -> None:
    if email and email != learner.email:
        if User.objects.filter(email=email).exclude(pk=learner.pk).exists():
            raise ProvisioningError(f"{email} belongs to another account.", code="email_taken")
        learner.email = email
        learner.save(update_fields=["email"])


def _external_id_set(*, account: ServiceAccount, learner: User, external_id: str) -> None:
    taken = ExternalLearnerId.objects.filter(account=account, external_id=external_id).exclude(
        learner=learner
    )
    if taken.exists():
        raise ProvisioningError(
            f"External id {external_id!r} names another learner.", code="external_id_taken"
        )
    ExternalLearnerId.objects.update_or_create(
        account=account, learner=learner, defaults={"external_id": external_id}
    )


@transaction.atomic
def service_account_scope_change(
    *,
    name: str,
    add_courses: Sequence[str] = (),
    remove_courses: Sequence[str] = (),
    add_learners: Sequence[str] = (),
    remove_learners: Sequence[str] = (),
) -> ServiceAccount:
    """Add or remove courses and learners in a service account's scope after its creation."""
    account = _account(name)
    courses = courses_api.course_ids_by_slug(slugs=[*add_courses, *remove_courses])
    missing = sorted((set(add_courses) | set(remove_courses)) - courses.keys())
    if missing:
        raise ServiceAccountError(f"No course(s): {', '.join(missing)}.")
    emails = [e.strip().lower() for e in [*add_learners, *remove_learners]]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    missing = sorted(set(emails) - users.keys())
    if missing:
        raise ServiceAccountError(f"No user(s): {', '.join(missing)}.")
    for email in add_learners:
        user = users[email.strip().lower()]
        if user.role != Role.LEARNER or user.is_superuser:
            raise ServiceAccountError(f"Not a learner account: {user.email}.")
    account.courses.add(*[courses[slug] for slug in add_courses])
    account.courses.remove(*[courses[slug] for slug in remove_courses])
    account.learners.add(*[users[e.strip().lower()] for e in add_learners])
    account.learners.remove(*[users[e.strip().lower()] for e in remove_learners])
    return account


def _account(name: str) -> ServiceAccount:
    account = ServiceAccount.objects.filter(name=name).first()
    if account is None:
        raise ServiceAccountError(f"No service account named {name!r}.")
    return account


@transaction.atomic
def service_account_deactivate(*, name: str) -> ServiceAccount:
    """Refuse the account's token from now on (its scope and history stay)."""
    account = _account(name)
    account.is_active = False
    account.save(update_fields=["is_active"])
    return account


@transaction.atomic
def service_account_token_rotate(*, name: str) -> IssuedServiceAccount:
    """Replace the account's token: the old one stops working at once; the new one is shown once."""
    account = _account(name)
    token = token_new()
    account.token_hash = token_hash(token)
    account.token_prefix = token_prefix(token)
    account.is_active = True
    account.save(update_fields=["token_hash", "token_prefix", "is_active"])
    return IssuedServiceAccount(account=account, token=token)
