"""Reads of a service account's own scope."""

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import User
from lms.models import ExternalLearnerId, ServiceAccount


def learner_list_in_account_scope(*, account_id: int) -> QuerySet[User]:
    """The account's learners, each annotated with the account's external id for them."""
    external = ExternalLearnerId.objects.filter(
        account_id=account_id, learner_id=OuterRef("pk")
    ).values("external_id")[:1]
    return (
        User.objects.filter(service_accounts__pk=account_id)
        .annotate(external_id=Subquery(external))
        .order_by("pk")
    )


def account_module_ids(*, account_id: int) -> frozenset[int]:
    """The modules of the account's courses: its scope as `module_ids` for other selectors."""
    return frozenset(
        ServiceAccount.objects.filter(pk=account_id, courses__modules__isnull=False).values_list(
            "courses__modules", flat=True
        )
    )
