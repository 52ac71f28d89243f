"""What other apps may ask of accounts: who the request's user is, who may do what, and the
account changes an integration (an LMS, LTI) makes. The `User` model itself is imported from
`accounts.models` (the one model other apps may import, see docs/architecture.md)."""

from accounts.permissions import (
    IsCourseSlugStaff,
    IsCourseStaff,
    IsInstructor,
    course_slug_staff_required,
    course_staff_required,
    instructor_required,
    request_user,
    staff_module_scope,
    user_is_instructor,
    user_may_edit_section,
)
from accounts.services import (
    user_create_without_password,
    user_display_name_change,
    user_is_integration_managed,
    user_role_follow_integration,
)

__all__ = [
    "IsCourseSlugStaff",
    "IsCourseStaff",
    "IsInstructor",
    "course_slug_staff_required",
    "course_staff_required",
    "instructor_required",
    "request_user",
    "staff_module_scope",
    "user_create_without_password",
    "user_display_name_change",
    "user_is_instructor",
    "user_is_integration_managed",
    "user_may_edit_section",
    "user_role_follow_integration",
]
