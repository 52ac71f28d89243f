"""Reads for the instructors' LTI page."""

from django.db.models import QuerySet

from lti.models import GradeDelivery, LtiLink

RECENT_DELIVERIES = 200


def link_list() -> QuerySet[LtiLink]:
    return LtiLink.objects.select_related(
        "resource_link__context__deployment__registration"
    ).order_by("resource_link__context__title", "target_kind", "target_slug")


def delivery_list_recent() -> QuerySet[GradeDelivery]:
    return GradeDelivery.objects.select_related("link", "learner").order_by("-updated_at")[
        :RECENT_DELIVERIES
    ]
