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
    transaction.on_commit(lambda: events.display_name_changed(user_id=user_id), robust=True)
    return True
