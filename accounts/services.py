from django.db import transaction

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
