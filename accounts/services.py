from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.mail import mail_account_exists, mail_activation_link
from accounts.models import DisplayNameChange, Role, User
from quayside import announcements
from quayside.announcements import Topic

# Renames are counted over this window (settings.DISPLAY_NAME_CHANGES_PER_DAY within it): each
# rename reissues the learner's certificates, so it is not free to repeat.
DISPLAY_NAME_CHANGE_WINDOW = timedelta(days=1)


class DisplayNameChangeLimitError(Exception):
    """The user renamed themselves as often as allowed within DISPLAY_NAME_CHANGE_WINDOW."""


@transaction.atomic
def user_create(*, email: str, password: str, display_name: str, role: Role = Role.LEARNER) -> User:
    """Create a user. The email is stored lower-cased; a duplicate email raises IntegrityError."""
    return User.objects.create_user(
        email=email, password=password, display_name=display_name.strip(), role=role
    )


@transaction.atomic
def user_ensure(*, email: str, password: str, display_name: str, role: Role) -> tuple[User, bool]:
    """Create the user if the email is new, otherwise reset its password, name and role.

    Idempotent: used for the demo accounts that the run command prints.
    """
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        return user_create(
            email=email, password=password, display_name=display_name, role=role
        ), True
    user.display_name = display_name
    user.role = role
    user.set_password(password)
    user.save(update_fields=["display_name", "role", "password"])
    return user, False


def user_sign_up(*, email: str, display_name: str) -> None:
    """Start a sign-up. Whatever the address, one mail goes to it and the caller learns nothing,
    so the sign-up page cannot tell anyone which addresses have accounts:

    - a new address gets a pending account (inactive, no password) and a link to choose the
      password, which activates it; the person who reads that mailbox sets the password, so
      nobody can sign up in someone else's name and keep the account;
    - a pending account gets a fresh link (the account is left as it is);
    - an existing account gets a "you already have an account" mail (log in, or reset).
    """
    address = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email=address).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=address, password=None, display_name=display_name.strip(), is_active=False
                )
        except IntegrityError:
            # The same address signed up at the same moment: answer as for an existing one.
            user = User.objects.get(email=address)
    if user_is_pending(user):
        mail_activation_link(user=user)
    else:
        mail_account_exists(user=user)


def user_is_pending(user: User) -> bool:
    """Signed up, but the link that sets the password was not followed yet."""
    return not user.is_active and not user.has_usable_password()


def user_activate(*, user: User, password: str) -> None:
    """Follow-up of a sign-up link: the chosen password is set and the account can log in."""
    with transaction.atomic():
        user_password_set(user=user, password=password)
        user.is_active = True
        user.save(update_fields=["is_active"])


def user_password_set(*, user: User, password: str) -> int:
    """Set a new password (a completed reset, an activation) and revoke the user's API tokens;
    return how many were revoked.

    Whoever knew the old password may have made a token with it, so none survives. The
    session auth hash changes with the password, so other sessions end too. A service
    account's token belongs to its LMS, not to the learners it acts for, and stays.
    """
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        revoked, _ = Token.objects.filter(user=user).delete()
    return revoked


def _renames_left(user: User, now: datetime) -> int:
    recent = DisplayNameChange.objects.filter(
        user=user, changed_at__gt=now - DISPLAY_NAME_CHANGE_WINDOW
    ).count()
    return settings.DISPLAY_NAME_CHANGES_PER_DAY - recent


@transaction.atomic
def user_display_name_change(*, user: User, display_name: str) -> bool:
    """Change the name shown in the portal and printed on certificates; True when it changed.

    Raises DisplayNameChangeLimitError past DISPLAY_NAME_CHANGES_PER_DAY renames in a day (the
    user's row is locked, so concurrent renames count one after the other). Subscribers
    (certificates reissue with the new name) hear of it after the commit.
    """
    new_name = display_name.strip()
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not new_name or new_name == locked.display_name:
        return False
    now = timezone.now()
    if _renames_left(locked, now) <= 0:
        raise DisplayNameChangeLimitError(
            f"You can change your name {settings.DISPLAY_NAME_CHANGES_PER_DAY} times a day; "
            "try again tomorrow."
        )
    DisplayNameChange.objects.create(
        user=locked, old_name=locked.display_name, new_name=new_name, changed_at=now
    )
    locked.display_name = new_name
    locked.save(update_fields=["display_name"])
    user.display_name = new_name
    announcements.publish_after_commit(Topic.DISPLAY_NAME_CHANGED, user.pk)
    return True


@transaction.atomic
def user_create_without_password(*, email: str, display_name: str, role: Role) -> User:
    """An account that an integration manages (an LMS launch, a provisioning call).

    It has no usable password: its holder arrives through the integration, or sets one through
    the password-reset page. A duplicate email raises IntegrityError.
    """
    return User.objects.create_user(
        email=email, password=None, display_name=display_name.strip(), role=role
    )


def user_is_integration_managed(user: User) -> bool:
    """Created by an integration and never given a password; its role may follow the LMS."""
    return not user.has_usable_password() and not user.is_superuser and user.role != Role.ADMIN


@transaction.atomic
def user_role_follow_integration(*, user: User, role: Role) -> bool:
    """Set the role an LMS gives an integration-managed account; True when it changed.

    Accounts with a password, administrators and superusers keep the role Quayside gave them.
    """
    if not user_is_integration_managed(user) or user.role == role:
        return False
    user.role = role
    user.save(update_fields=["role"])
    return True


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Replace the user's API token with a new one and return it (shown to them once).

    The old token stops working at once. Raises PermissionError for anyone but instructors.
    """
    from rest_framework.authtoken.models import Token

    if not user.is_instructor:
        raise PermissionError("Only instructors get API tokens from their profile.")
    Token.objects.filter(user=user).delete()
    return str(Token.objects.create(user=user).key)
