"""`Authorization: Service <token>` with `X-On-Behalf-Of: <learner email or id>`.

The request runs as that learner, and only when the learner is in the service account's scope.
The courses in scope travel with the request (`ServiceGrant`), so endpoints can refuse an
assessment outside them (`lms.api.learner_scope`).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import Role, User
from lms.models import ServiceAccount
from lms.selectors import account_module_ids
from lms.tokens import token_hash
from quayside.identifiers import whole_number_or_none

KEYWORD = b"service"
ON_BEHALF_OF_META = "HTTP_X_ON_BEHALF_OF"
# Longer than any email address we accept; a longer header is not a learner reference.
MAX_ON_BEHALF_OF_LENGTH = 254


@dataclass(frozen=True)
class ServiceGrant:
    """What a service account may reach in this request: request.auth for service requests."""

    service_account_id: int
    service_account_name: str
    # The modules of the courses in scope: assessments hang off modules.
    module_ids: frozenset[int]


def _learner_in_scope(account: ServiceAccount, reference: str) -> User | None:
    learners = account.learners.filter(is_active=True, role=Role.LEARNER, is_superuser=False)
    learner_id = whole_number_or_none(reference)
    if learner_id is not None:
        return learners.filter(pk=learner_id).first()
    return learners.filter(email=reference.lower()).first()


class ServiceAccountAuthentication(BaseAuthentication):
    """Three queries: the account, the learner within its scope, the modules within its scope."""

    def authenticate(self, request: Request) -> tuple[User, ServiceGrant] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD:
            return None
        if len(words) != 2:
            raise AuthenticationFailed("The Service authorization header takes one token.")
        try:
            token = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid service token.") from None
        account = ServiceAccount.objects.filter(
            token_hash=token_hash(token), is_active=True
        ).first()
        if account is None:
            raise AuthenticationFailed("Invalid service token.")
        reference = str(request.META.get(ON_BEHALF_OF_META, "")).strip()
        if not reference or len(reference) > MAX_ON_BEHALF_OF_LENGTH:
            raise AuthenticationFailed("A service account must name a learner in X-On-Behalf-Of.")
        learner = _learner_in_scope(account, reference)
        if learner is None:
            raise PermissionDenied("That learner is not in this service account's scope.")
        module_ids = account_module_ids(account_id=account.pk)
        return learner, ServiceGrant(
            service_account_id=account.pk,
            service_account_name=account.name,
            module_ids=module_ids,
        )

    def authenticate_header(self, request: Request) -> str:
        return 'Service realm="api"'


@dataclass(frozen=True)
class AccountGrant:
    """request.auth of a provisioning request: the service account itself, acting for no one."""

    service_account_id: int
    service_account_name: str


class ServiceAccountProvisioningAuthentication(BaseAuthentication):
    """`Authorization: Service <token>` alone, for the endpoints that manage the account's
    learners (`/api/v1/lms/...`). The request has no user; `IsServiceAccount` lets it through."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, AccountGrant] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD:
            return None
        if len(words) != 2:
            raise AuthenticationFailed("The Service authorization header takes one token.")
        try:
            token = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid service token.") from None
        account = (
            ServiceAccount.objects.filter(token_hash=token_hash(token), is_active=True)
            .values_list("pk", "name")
            .first()
        )
        if account is None:
            raise AuthenticationFailed("Invalid service token.")
        return AnonymousUser(), AccountGrant(
            service_account_id=account[0], service_account_name=account[1]
        )

    def authenticate_header(self, request: Request) -> str:
        return 'Service realm="api"'


class IsServiceAccount(BasePermission):
    message = "Only a service account (Authorization: Service <token>) can use this endpoint."

    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.auth, AccountGrant)
