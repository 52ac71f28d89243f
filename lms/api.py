"""What other apps may ask of lms: who a request acts for, and within which courses."""

from dataclasses import dataclass

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from accounts.models import User
from lms.authentication import ServiceGrant

__all__ = ["LearnerScope", "ServiceGrant", "learner_scope"]


@dataclass(frozen=True)
class LearnerScope:
    """The learner a request acts for; `module_ids` is None when every course is reachable."""

    learner: User
    module_ids: frozenset[int] | None
    service_account_name: str | None

    def allows_module(self, module_id: int) -> bool:
        return self.module_ids is None or module_id in self.module_ids


def learner_scope(request: Request) -> LearnerScope:
    """A user's own token or session reaches every course; a service account only its own."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    grant = request.auth
    if isinstance(grant, ServiceGrant):
        return LearnerScope(
            learner=user,
            module_ids=grant.module_ids,
            service_account_name=grant.service_account_name,
        )
    return LearnerScope(learner=user, module_ids=None, service_account_name=None)
