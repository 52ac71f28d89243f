from django.db import transaction

from accounts import events
from accounts.models import Role, User


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


@transaction.atomic
def user_display_name_change(*, user: User, display_name: str) -> bool:
    """Change the name shown in the portal and printed on certificates; True when it changed.

    Subscribers (certificates reissue with the new name) hear of it after the commit.
    """
    new_name = display_name.strip()
    if not new_name or new_name == user.display_name:
        return False
    user.display_name = new_name
    user.save(update_fields=["display_name"])
    user_id = user.pk
    transaction.on_commit(lambda: events.display_name_changed(user_id=user_id))
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
