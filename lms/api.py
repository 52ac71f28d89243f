"""What other apps may ask of lms: who a request acts for, and within which courses."""

from dataclasses import dataclass

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from accounts.models import User
from courses import api as courses_api
from lms.authentication import ServiceGrant
from quayside.scope import scope_narrowed

__all__ = ["LearnerScope", "ServiceGrant", "learner_scope"]


@dataclass(frozen=True)
class LearnerScope:
    """The learner a request acts for; `module_ids` is None when every course is reachable."""

    learner: User
    module_ids: frozenset[int] | None
    service_account_name: str | None

    def allows_module(self, module_id: int) -> bool:
        return self.module_ids is None or module_id in self.module_ids


# `?course=<slug>` on any learner endpoint narrows it to that course (an unknown slug: nothing).
COURSE_FILTER_PARAMETER = "course"


def learner_scope(request: Request) -> LearnerScope:
    """A user's own token or session reaches every course; a service account only its own.
    Either is narrowed to one course by `?course=<slug>`."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    grant = request.auth
    module_ids, account_name = None, None
    if isinstance(grant, ServiceGrant):
        module_ids, account_name = grant.module_ids, grant.service_account_name
    course_slug = request.query_params.get(COURSE_FILTER_PARAMETER)
    if course_slug:
        course_modules = courses_api.module_ids_of_course(course_slug=course_slug)
        module_ids = scope_narrowed(module_ids, course_modules or frozenset())
    return LearnerScope(learner=user, module_ids=module_ids, service_account_name=account_name)
