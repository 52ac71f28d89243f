"""How the OpenAPI schema describes service-account authentication (loaded by LmsConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class ServiceAccountScheme(OpenApiAuthenticationExtension):
    target_class = "lms.authentication.ServiceAccountAuthentication"
    # Both headers go together: the token says which LMS, the second which of its learners.
    name = ["serviceAccount", "onBehalfOf"]

    def get_security_definition(self, auto_schema: AutoSchema) -> list[dict[str, Any]]:
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Service <token>` from `manage.py create_service_account`.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-On-Behalf-Of",
                "description": (
                    "The email address or id of a learner in the service account's scope; "
                    "the request acts as that learner, within the account's courses only."
                ),
            },
        ]


class ServiceAccountProvisioningScheme(OpenApiAuthenticationExtension):
    target_class = "lms.authentication.ServiceAccountProvisioningAuthentication"
    name = "serviceAccountOnly"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Service <token>` alone: the service account acting for itself (its learners, "
                "its results), with no X-On-Behalf-Of."
            ),
        }
