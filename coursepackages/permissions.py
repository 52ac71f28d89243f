"""Who may sync a course package: the one home of the rule, for every channel but the CLI
(an operator's `manage.py sync_course` is trusted like a migration)."""

from typing import Any

from accounts.api import user_is_instructor
from courses import api as courses_api


def may_sync(user: Any, course_slug: str) -> bool:
    """Instructors may sync a new course; an existing course only its staff (or an admin),
    by the per-course rule `courses.api.user_may_edit_course`."""
    if not user_is_instructor(user):
        return False
    if course_slug not in dict(courses_api.course_titles()):
        return True
    return courses_api.user_may_edit_course(user, course_slug)
