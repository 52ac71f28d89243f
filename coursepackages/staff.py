"""The one call site that hands a package's `staff:` list to the courses app."""

from collections.abc import Sequence

from courses import api as courses_api


def course_staff_apply(
    *, course_slug: str, identifiers: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Make the course's package-listed staff exactly `identifiers` (emails); returns
    (added, removed). Staff added another way (the LMS, the portal) are left alone; see
    `courses.api.course_staff_set`. Raises courses_api.CourseStaffError for a bad identifier."""
    return courses_api.course_staff_set(course=course_slug, identifiers=identifiers)
