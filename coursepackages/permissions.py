"""Who may sync a course package: the one home of the rule, for the CLI-less channels."""

from typing import Any

from accounts.permissions import user_is_instructor


def may_sync(user: Any, course_slug: str) -> bool:
    """Instructors may sync a new course; an existing course only its editors.

    Until per-course staff exists (courses.api.user_may_edit_course, branch `multicourse`),
    every instructor may edit every course, so the instructor check is the whole rule.
    """
    return user_is_instructor(user)
