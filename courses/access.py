"""Who may do what in which course: the one home of the per-course staff rule.

- Site administrators (superusers, Django staff, the admin role) reach every course.
- Anyone else edits, grades and reads the results of a course only as its staff: a `CourseStaff`
  row naming their user, or naming their email when that email is proven.
- An email is proven when the account was activated by its owner (signed up and followed the
  link, or was created with a password by an administrator). LMS-provisioned accounts carry an
  email the platform asserted, so a package's list never matches them by email; their staff rows
  come from the LMS itself, by user.

The rule is a SQL filter (`course_staff_filter`, `course_ids_for_staff`); `user_may_edit_course`
answers it for one course. Every instructor page, endpoint and results selector calls these.
"""

from collections.abc import Sequence
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from courses.models import Course, CourseStaff, Module, StaffRole, StaffSource

# A course's staff list is short; a package listing more is a mistake, not a course.
MAX_STAFF_PER_SOURCE: Final = 500


class CourseStaffError(ValueError):
    """A staff list cannot be stored as given (an identifier that is not an email address)."""


def user_is_site_admin(user: Any) -> bool:
    """Administrators of the whole site, who keep access to every course."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or getattr(user, "role", "") == "admin")


def user_email_is_proven(user: Any) -> bool:
    """The account's owner proved the email: an active account with a password they set."""
    return bool(user.is_active and user.has_usable_password())


def course_staff_filter(user: Any, *, prefix: str = "") -> Q:
    """A Q over `<prefix>staff` rows naming this user: by user, or by a proven email."""
    by_user = Q(**{f"{prefix}staff__user": user.pk})
    if user_email_is_proven(user):
        return by_user | Q(**{f"{prefix}staff__identifier": user.email.lower()})
    return by_user


def course_ids_for_staff(user: Any) -> frozenset[int] | None:
    """The courses this user is staff of; None for site administrators (every course)."""
    if user_is_site_admin(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Course.objects.filter(course_staff_filter(user)).values_list("pk", flat=True).distinct()
    )


def user_may_edit_course(user: Any, course: Course | int) -> bool:
    """May this user author, regrade and read results in this course?"""
    if user_is_site_admin(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    course_id = course if isinstance(course, int) else course.pk
    return Course.objects.filter(course_staff_filter(user), pk=course_id).exists()


def module_ids_for_staff(user: Any) -> frozenset[int] | None:
    """The modules of the courses this user is staff of; None for site administrators.

    What instructors' lists pass as `module_ids` (quayside.scope), so SQL does the scoping.
    """
    if user_is_site_admin(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Module.objects.filter(course_staff_filter(user, prefix="course__"))
        .values_list("pk", flat=True)
        .distinct()
    )


def user_may_edit_module(user: Any, module_id: int) -> bool:
    """`user_may_edit_course` for the course of this module."""
    if user_is_site_admin(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return Module.objects.filter(
        course_staff_filter(user, prefix="course__"), pk=module_id
    ).exists()


def user_is_staff_anywhere(user: Any) -> bool:
    """Staff of at least one course (or a site administrator): may open the instructor portal."""
    if user_is_site_admin(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return Course.objects.filter(course_staff_filter(user)).exists()


def staff_identifier_normalize(identifier: str) -> str:
    """The stored form of a listed staff member: a lowercased email address.

    Quayside accounts have no usernames, only emails, so anything else cannot ever match.
    """
    normalized = identifier.strip().lower()
    try:
        validate_email(normalized)
    except ValidationError as error:
        raise CourseStaffError(
            f"{identifier!r} is not an email address; course staff are listed by email."
        ) from error
    return normalized


@transaction.atomic
def course_staff_set(
    *,
    course: Course,
    identifiers: Sequence[str],
    role: StaffRole = StaffRole.INSTRUCTOR,
    source: StaffSource = StaffSource.PACKAGE,
) -> tuple[list[str], list[str]]:
    """Make the course's staff from `source` exactly these emails; returns (added, removed).

    All or nothing: every identifier is validated before any row changes (CourseStaffError).
    Idempotent: the same list again changes nothing. Rows other sources made (the LMS's, the
    portal's) are left alone. The course row is locked so two syncs of one course serialise.
    """
    normalized = sorted({staff_identifier_normalize(identifier) for identifier in identifiers})
    if len(normalized) > MAX_STAFF_PER_SOURCE:
        raise CourseStaffError(
            f"{len(normalized)} staff listed; at most {MAX_STAFF_PER_SOURCE} per course."
        )
    Course.objects.select_for_update().filter(pk=course.pk).first()
    rows = CourseStaff.objects.filter(course=course, source=source, user__isnull=True)
    existing = {row.identifier: row for row in rows}
    removed = sorted(set(existing) - set(normalized))
    added = sorted(set(normalized) - set(existing))
    CourseStaff.objects.filter(pk__in=[existing[identifier].pk for identifier in removed]).delete()
    CourseStaff.objects.bulk_create(
        CourseStaff(course=course, identifier=identifier, role=role, source=source)
        for identifier in added
    )
    changed_role = [
        existing[identifier].pk
        for identifier in normalized
        if identifier in existing and existing[identifier].role != role
    ]
    CourseStaff.objects.filter(pk__in=changed_role).update(role=role)
    return added, removed


def course_staff_add_user(
    *, course: Course, user: Any, source: StaffSource, role: StaffRole = StaffRole.INSTRUCTOR
) -> bool:
    """Make one user staff of the course (an LMS instructor, someone added in the portal);
    True when they were not yet staff from that source. Idempotent."""
    _, created = CourseStaff.objects.get_or_create(
        course=course, user=user, source=source, defaults={"role": role}
    )
    return created
