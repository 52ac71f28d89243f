"""PyLTI1p3 and django-lti, adapted: our keys, our deployment policy, the checks they skip.

What the libraries leave open, and where it is closed here:
- PyLTI1p3 checks a launch's nonce against the login that issued it but never spends it, and it
  treats a state it has already seen with the same id_token as valid, so the same form posted
  twice launches twice. `QuaysideMessageLaunch` spends the nonce in the database
  (`UsedLaunchNonce`, unique per issuer) once the signature has verified.
- It decodes the id_token without requiring `exp`/`iat` and without looking at `azp`; those
  checks are added after the signature check.
- django-lti creates a record for any unknown deployment id (inactive); whether that launch may
  go on is `settings.LTI_ACTIVATE_NEW_DEPLOYMENTS` (off: refused until an administrator
  activates the deployment).
- django-lti keeps key pairs in the database; ours are files (`lti.keys`).
"""

import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from lti_tool.models import LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration

from lti.keys import tool_signing_key
from lti.models import UsedLaunchNonce

# Clock skew we forgive between the platform and us.
CLOCK_LEEWAY_SECONDS: Final = 60
# Platforms issue id_tokens valid for minutes; a longer one is kept in the nonce table at most
# this long (its nonce is refused as unknown after the login cache forgets it anyway).
MAX_NONCE_MEMORY: Final = timedelta(days=1)


class LaunchRefused(LtiException):
    """A launch we refuse; `title` is what the person in the LMS is shown."""

    def __init__(self, title: str, detail: str) -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail


def registration_for(registration: LtiRegistration) -> Registration:
    """The PyLTI1p3 view of a stored registration, signing with the tool's current file key."""
    key = tool_signing_key()
    converted = (
        Registration()
        .set_issuer(registration.issuer)
        .set_client_id(registration.client_id)
        .set_auth_login_url(registration.auth_url)
        .set_auth_token_url(registration.token_url)
        .set_key_set_url(registration.keyset_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )
    if registration.audience:
        converted.set_auth_audience(registration.audience)
    return converted


class QuaysideToolConfig(DjangoToolConfig):
    """django-lti's lookups, with file keys and the deployment activation policy."""

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Any:
        return self._found(LtiRegistration.objects.active().filter(issuer=iss))

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Any:
        registrations = LtiRegistration.objects.active().filter(issuer=iss)
        if client_id:
            registrations = registrations.filter(client_id=client_id)
        elif registrations.count() > 1:
            # Without a client id an issuer with two registrations is ambiguous.
            return None
        return self._found(registrations)

    def _found(self, registrations: Any) -> Registration | None:
        self.registration = registrations.first()
        if self.registration is None:
            return None
        return registration_for(self.registration)

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self._deployment(deployment_id)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        return self._deployment(deployment_id)

    def _deployment(self, deployment_id: str) -> Deployment | None:
        if self.registration is None:
            return None
        self.deployment, _ = LtiDeployment.objects.get_or_create(
            registration=self.registration,
            deployment_id=deployment_id,
            defaults={"is_active": settings.LTI_ACTIVATE_NEW_DEPLOYMENTS},
        )
        return Deployment().set_deployment_id(deployment_id)


class QuaysideMessageLaunch(DjangoMessageLaunch):
    """A message launch that is spent once and checks the claims PyLTI1p3 skips."""

    def validate_jwt_signature(self) -> "QuaysideMessageLaunch":
        super().validate_jwt_signature()
        body = self._get_jwt_body()
        _check_lifetime(body)
        _check_authorised_party(body, client_id=self.get_client_id())
        _nonce_spend(issuer=self.get_iss(), nonce=str(body.get("nonce", "")), body=body)
        return self


def message_launch_for(request: HttpRequest) -> QuaysideMessageLaunch:
    return QuaysideMessageLaunch(
        request, QuaysideToolConfig(), launch_data_storage=DjangoCacheDataStorage()
    )


def _check_lifetime(body: Mapping[str, Any]) -> None:
    now = time.time()
    expires, issued = body.get("exp"), body.get("iat")
    if not isinstance(expires, int | float) or not isinstance(issued, int | float):
        raise LaunchRefused(
            "This launch cannot be checked", "The LMS sent an id_token without exp or iat."
        )
    if expires < now - CLOCK_LEEWAY_SECONDS:
        raise LaunchRefused("This launch has expired", "The id_token's exp has passed.")
    if issued > now + CLOCK_LEEWAY_SECONDS:
        raise LaunchRefused("This launch is not valid yet", "The id_token's iat is in the future.")


def _check_authorised_party(body: Mapping[str, Any], *, client_id: str) -> None:
    audience = body.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    authorised_party = body.get("azp")
    if client_id not in audiences or (
        (len(audiences) > 1 or authorised_party is not None) and authorised_party != client_id
    ):
        raise LaunchRefused(
            "This launch is addressed to another tool",
            "The id_token's audience (aud/azp) is not this tool's client id.",
        )


def _nonce_spend(*, issuer: str, nonce: str, body: Mapping[str, Any]) -> None:
    now = datetime.now(UTC)
    expires_at = min(
        datetime.fromtimestamp(float(body["exp"]), UTC) + timedelta(seconds=CLOCK_LEEWAY_SECONDS),
        now + MAX_NONCE_MEMORY,
    )
    try:
        with transaction.atomic():
            UsedLaunchNonce.objects.create(issuer=issuer, nonce=nonce, expires_at=expires_at)
    except IntegrityError:
        raise LaunchRefused(
            "This launch has already been used",
            "The same id_token was posted again (a replayed or reloaded launch). "
            "Open the activity again from your course.",
        ) from None


def used_nonces_forget(*, now: datetime | None = None) -> int:
    """Delete spent nonces whose id_tokens have expired; returns how many."""
    deleted, _ = UsedLaunchNonce.objects.filter(expires_at__lt=now or datetime.now(UTC)).delete()
    return deleted
