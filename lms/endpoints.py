"""REST endpoints for an LMS managing its own learners (/api/v1/lms/...): service accounts only.

These requests act for no learner: `Authorization: Service <token>` alone. Everything they
read or change is the account's own scope, decided by the selectors' account filter.
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from lms.authentication import (
    AccountGrant,
    IsServiceAccount,
    ServiceAccountProvisioningAuthentication,
)
from lms.selectors import learner_get_in_account_scope, learner_list_in_account_scope
from lms.services import ProvisioningError, learner_provision
from quayside.problem_details import Problem

TAG = "lms provisioning"


class LearnerInput(serializers.Serializer[Any]):
    email = serializers.EmailField()
    display_name = serializers.CharField(max_length=150)
    external_id = serializers.CharField(max_length=255, required=False, allow_blank=False)


class LearnerUpdateInput(serializers.Serializer[Any]):
    email = serializers.EmailField(required=False)
    display_name = serializers.CharField(max_length=150, required=False)
    external_id = serializers.CharField(max_length=255, required=False, allow_blank=False)


class ProvisionedLearnerOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    external_id = serializers.CharField(allow_null=True)


class ProvisioningApiView(APIView):
    authentication_classes = [ServiceAccountProvisioningAuthentication]
    permission_classes = [IsServiceAccount]
    parser_classes = [JSONParser]

    def account_id(self, request: Request) -> int:
        grant = request.auth
        assert isinstance(grant, AccountGrant)
        return grant.service_account_id

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ProvisioningError):
            exc = Problem(status=exc.status, code=exc.code, detail=exc.message)
        return super().handle_exception(exc)


def _output(learner: User, external_id: str | None) -> dict[str, Any]:
    return ProvisionedLearnerOutput(
        {
            "id": learner.pk,
            "email": learner.email,
            "display_name": learner.display_name,
            "external_id": external_id,
        }
    ).data


class LearnerListCreate(ProvisioningApiView):
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=[TAG],
        operation_id="lms_learner_list",
        summary="The learners in this service account's scope",
        responses=ProvisionedLearnerOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        learners = learner_list_in_account_scope(account_id=self.account_id(request))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(learners, request, self) or []
        return paginator.get_paginated_response(
            [_output(learner, learner.external_id) for learner in page]  # type: ignore[attr-defined]
        )

    @extend_schema(
        tags=[TAG],
        operation_id="lms_learner_provision",
        summary="Create a learner (no password) in scope, or update the one with this id/email",
        request=LearnerInput,
        responses={201: ProvisionedLearnerOutput, 200: ProvisionedLearnerOutput},
    )
    def post(self, request: Request) -> Response:
        given = LearnerInput(data=request.data)
        given.is_valid(raise_exception=True)
        provisioned = learner_provision(
            account_id=self.account_id(request),
            email=given.validated_data["email"],
            display_name=given.validated_data["display_name"],
            external_id=given.validated_data.get("external_id"),
        )
        return Response(
            _output(provisioned.learner, provisioned.external_id),
            status=status.HTTP_201_CREATED if provisioned.created else status.HTTP_200_OK,
        )


class LearnerUpdate(ProvisioningApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="lms_learner_update",
        summary="Change a learner's email, name or external id (learners in scope only)",
        request=LearnerUpdateInput,
        responses=ProvisionedLearnerOutput,
    )
    def patch(self, request: Request, learner_id: int) -> Response:
        account_id = self.account_id(request)
        learner = learner_get_in_account_scope(account_id=account_id, learner_id=learner_id)
        if learner is None:
            raise NotFound("No learner with that id in this service account's scope.")
        given = LearnerUpdateInput(data=request.data)
        given.is_valid(raise_exception=True)
        provisioned = learner_provision(
            account_id=account_id,
            email=given.validated_data.get("email", learner.email),
            display_name=given.validated_data.get("display_name", ""),
            external_id=given.validated_data.get("external_id") or learner.external_id,
        )
        return Response(_output(provisioned.learner, provisioned.external_id))
