"""Reads for the instructors' LTI page."""

from django.db.models import Q, QuerySet
from lti_tool.models import LtiContext

from lti.models import GradeDelivery, LtiLink

RECENT_DELIVERIES = 200
# None: every course (site administrators); else the ids of the courses an instructor teaches.
CourseIds = frozenset[int] | None


def _in_courses(course_field: str, course_ids: CourseIds) -> Q:
    return Q() if course_ids is None else Q(**{f"{course_field}__in": course_ids})


def link_list(*, course_ids: CourseIds = None) -> QuerySet[LtiLink]:
    return (
        LtiLink.objects.filter(_in_courses("course_id", course_ids))
        .select_related("resource_link__context__deployment__registration")
        .order_by("resource_link__context__title", "target_kind", "target_slug")
    )


def delivery_list_recent(*, course_ids: CourseIds = None) -> QuerySet[GradeDelivery]:
    deliveries = GradeDelivery.objects.filter(_in_courses("link__course_id", course_ids))
    return deliveries.select_related("link", "learner").order_by("-updated_at")[:RECENT_DELIVERIES]


def delivery_list(*, course_ids: CourseIds = None) -> QuerySet[GradeDelivery]:
    return GradeDelivery.objects.filter(_in_courses("link__course_id", course_ids))


def context_list(*, course_ids: CourseIds = None) -> QuerySet[LtiContext]:
    """LMS courses with a placement of a course in scope."""
    if course_ids is None:
        return LtiContext.objects.all()
    return LtiContext.objects.filter(
        resource_links__quayside_link__course_id__in=course_ids
    ).distinct()
