"""The one call site that hands a package's `staff:` list to the courses app."""

from collections.abc import Sequence


def course_staff_apply(
    *, course_slug: str, identifiers: Sequence[str]
) -> tuple[list[str], list[str]] | None:
    """Make the course's package-listed staff exactly `identifiers`; returns (added, removed).

    Per-course staff (courses.api.course_staff_set) is being added on branch `multicourse`;
    until it is merged this returns None and the sync reports no staff changes.
    """
    return None
