"""Reads of the sync history, with who may see each row decided in the query."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.api import user_is_instructor
from accounts.models import User
from coursepackages.models import CourseSync
from courses import api as courses_api

# The history page shows the latest syncs; older ones stay in the table (and the admin).
HISTORY_PAGE_ROWS = 100


def course_sync_list_for_user(*, user: User) -> QuerySet[CourseSync]:
    """The syncs a user may see: those of the courses they are staff of (every course for a
    site administrator) and their own (a new course's preview, a refused upload)."""
    rows = CourseSync.objects.select_related("requested_by").defer("package_zip")
    if not user_is_instructor(user):
        return rows.none()
    slugs = courses_api.course_slugs_for_staff(user)
    if slugs is None:
        return rows
    return rows.filter(Q(course_slug__in=slugs) | Q(requested_by=user))


def course_sync_get_for_user(*, sync_id: int, user: User) -> CourseSync:
    """One sync the user may see; Http404 otherwise (no hint that it exists)."""
    row = course_sync_list_for_user(user=user).filter(pk=sync_id).first()
    if row is None:
        raise Http404("No such course sync.")
    return row
