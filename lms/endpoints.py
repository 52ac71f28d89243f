"""REST endpoints for an LMS managing its own learners (/api/v1/lms/...): service accounts only.

These requests act for no learner: `Authorization: Service <token>` alone. Everything they
read or change is the account's own scope, decided by the selectors' account filter.
"""

from typing import Any

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from assessments.api import assessment_result_for_learner, result_changes
from lms.authentication import (
    AccountGrant,
    IsServiceAccount,
    ServiceAccountProvisioningAuthentication,
)
from lms.selectors import account_module_ids, learner_list_in_account_scope
from lms.services import ProvisioningError, learner_provision, learner_update
from quayside.parsers import StrictJSONParser
from quayside.problem_details import Problem

TAG = "lms provisioning"
# A gradebook sync may ask for bigger pages than the default 50.
MAX_RESULTS_PAGE_SIZE = 500


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
    parser_classes = [StrictJSONParser]

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
            [_output(learner, getattr(learner, "external_id", None)) for learner in page]
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
        given = LearnerUpdateInput(data=request.data)
        given.is_valid(raise_exception=True)
        updated = learner_update(
            account_id=self.account_id(request),
            learner_id=learner_id,
            email=given.validated_data.get("email"),
            display_name=given.validated_data.get("display_name"),
            external_id=given.validated_data.get("external_id"),
        )
        if updated is None:
            raise NotFound("No learner with that id in this service account's scope.")
        return Response(_output(updated.learner, updated.external_id))


class ResultOutput(serializers.Serializer[Any]):
    learner = serializers.IntegerField()
    email = serializers.EmailField()
    external_id = serializers.CharField(allow_null=True)
    assessment = serializers.SlugField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    passed = serializers.BooleanField()
    attempts = serializers.IntegerField()
    result_at = serializers.DateTimeField(help_text="When the deciding attempt was submitted.")
    updated_at = serializers.DateTimeField(help_text="The latest submission of the learner's.")


class ResultsPage(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_RESULTS_PAGE_SIZE


class ResultList(ProvisioningApiView):
    """Gradebook sync: results of the account's learners in its courses, changed since a time."""

    @extend_schema(
        tags=[TAG],
        operation_id="lms_results",
        summary="Results changed since `updated_since` (paginated, oldest change first)",
        description=(
            "One row per learner and assessment, under the assessment's grading method. A result "
            "appears only once the feedback policy lets the learner see it. Keep the largest "
            "`updated_at` you saw and pass it as `updated_since` next time."
        ),
        parameters=[
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME, required=False),
            OpenApiParameter("page_size", OpenApiTypes.INT, required=False),
        ],
        responses=ResultOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        account_id = self.account_id(request)
        since_text = request.query_params.get("updated_since")
        since = parse_datetime(since_text) if since_text else None
        if since_text and (since is None or since.tzinfo is None):
            raise ValidationError({"updated_since": ["An ISO 8601 date-time with a time zone."]})
        learners = {
            learner.pk: learner for learner in learner_list_in_account_scope(account_id=account_id)
        }
        changes = result_changes(
            learner_ids=list(learners),
            module_ids=account_module_ids(account_id=account_id),
            updated_since=since,
        )
        paginator = ResultsPage()
        page = paginator.paginate_queryset(changes, request, self) or []
        rows = []
        for change in page:
            result = assessment_result_for_learner(
                learner_id=change["learner_id"], assessment_slug=change["assessment__slug"]
            )
            if result is None:
                continue  # graded, but not yet visible under the review policy
            learner = learners[change["learner_id"]]
            rows.append(
                {
                    "learner": learner.pk,
                    "email": learner.email,
                    "external_id": getattr(learner, "external_id", None),
                    "assessment": result.assessment_slug,
                    "percent": result.percent,
                    "passed": result.passed,
                    "attempts": result.attempts,
                    "result_at": result.submitted_at,
                    "updated_at": change["changed_at"],
                }
            )
        return paginator.get_paginated_response(ResultOutput(rows, many=True).data)
