"""REST endpoints for an LMS around attempts: the assessment catalogue, who the request acts for,
the learner's progress, and the instructors' result export (/api/v1/...).

Learner-facing and instructor-facing serializers are separate classes: the learner's show only
their own standing, the instructor's show every learner's scores regardless of feedback policy.
"""

import csv
from collections.abc import Iterator, Mapping
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import IsCourseStaff
from assessments import staff_routes
from assessments.endpoints.attempts_access import (
    LearnerApiView,
    assessment_get_for_scope,
    scope_of,
)
from assessments.models import (
    Assessment,
    AssessmentKind,
    Attempt,
    AttemptStatus,
    FeedbackPolicy,
    GradingMethod,
)
from assessments.portal_export import attempts_csv_rows
from assessments.selectors.attempts import mastery_for_learner
from assessments.selectors.portal import (
    assessment_get_for_instructor,
    assessment_standing_for_learner,
    attempt_list_for_instructor,
)
from quayside.scope import in_scope

LEARNER_TAG = "assessments"
PROGRESS_TAG = "progress"
INSTRUCTOR_TAG = "results"
# An instructor may ask for bigger pages of results than the default 50; more is a CSV job.
MAX_RESULTS_PAGE_SIZE = 500


# Catalogue (learners) ------------------------------------------------------------------------


class AssessmentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AssessmentKind.choices)
    section = django_filters.CharFilter(field_name="section__slug", help_text="Section slug.")
    course = django_filters.CharFilter(field_name="module__course__slug", help_text="Course slug.")

    class Meta:
        model = Assessment
        fields = ["kind", "section", "course"]


class LearnerAssessmentOutput(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=AssessmentKind.choices)
    description = serializers.CharField(allow_blank=True)
    course = serializers.SlugField(source="module.course.slug")
    module = serializers.SlugField(source="module.slug")
    section = serializers.SlugField(source="section.slug", allow_null=True, default=None)
    time_limit_seconds = serializers.IntegerField(allow_null=True)
    attempts_allowed = serializers.IntegerField(help_text="0 means unlimited.")
    grading_method = serializers.ChoiceField(choices=GradingMethod.choices)
    passing_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=False
    )
    feedback_policy = serializers.ChoiceField(choices=FeedbackPolicy.choices)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)


class LearnerStandingOutput(serializers.Serializer[Any]):
    attempts_used = serializers.IntegerField()
    attempts_left = serializers.IntegerField(allow_null=True, help_text="Null means unlimited.")
    in_progress_attempt = serializers.IntegerField(
        source="in_progress.pk",
        allow_null=True,
        default=None,
        help_text="The id of the attempt in progress, if any.",
    )
    best_percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="From attempts whose grades the feedback policy lets the learner see.",
    )
    passed = serializers.BooleanField(
        allow_null=True, help_text="Whether any attempt with visible grades passed."
    )
    result_percent = serializers.DecimalField(
        source="result.percent",
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        default=None,
        help_text=(
            "The result under the assessment's grading method (highest, last or average of the "
            "attempts with visible grades): the one certification counts."
        ),
    )
    result_passed = serializers.BooleanField(
        source="result.passed",
        allow_null=True,
        default=None,
        help_text="Whether the result under the grading method passes.",
    )
    result_at = serializers.DateTimeField(
        source="result.deciding.submitted_at",
        allow_null=True,
        default=None,
        help_text="When the attempt that decides the result was submitted.",
    )
    updated_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the standing last changed (the latest start or submission); null "
        "before any attempt. A gradebook sync compares it with its last run.",
    )


class LearnerAssessmentDetailOutput(serializers.Serializer[Any]):
    assessment = LearnerAssessmentOutput()
    standing = LearnerStandingOutput()


@extend_schema_view(
    get=extend_schema(
        tags=[LEARNER_TAG], operation_id="assessment_list", summary="Published assessments"
    )
)
class AssessmentList(generics.ListAPIView[Assessment]):
    serializer_class = LearnerAssessmentOutput
    filterset_class = AssessmentFilter
    queryset = Assessment.objects.none()  # the schema generator's model hint

    def get_queryset(self) -> QuerySet[Assessment]:
        scope = scope_of(self.request)
        assessments = Assessment.objects.filter(
            in_scope("module_id", scope.module_ids), is_published=True
        ).select_related("module__course", "section")
        return assessments.order_by("module_id", "kind", "section__position", "slug")


class AssessmentDetail(LearnerApiView):
    @extend_schema(
        tags=[LEARNER_TAG],
        operation_id="assessment_get",
        summary="One assessment and how the learner stands with it",
        responses=LearnerAssessmentDetailOutput,
    )
    def get(self, request: Request, slug: str) -> Response:
        scope = scope_of(request)
        assessment = assessment_get_for_scope(scope=scope, slug=slug, with_place=True)
        standing = assessment_standing_for_learner(
            slug=assessment.slug, learner=scope.learner, now=timezone.now()
        )
        return Response(
            LearnerAssessmentDetailOutput({"assessment": assessment, "standing": standing}).data
        )


# Who am I, and how am I doing (learners) ------------------------------------------------------


class MeOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    role = serializers.CharField()
    service_account = serializers.CharField(
        allow_null=True, help_text="The LMS acting for this learner, if any."
    )


class Me(LearnerApiView):
    @extend_schema(
        tags=[PROGRESS_TAG],
        operation_id="me",
        summary="Who this request acts for",
        responses=MeOutput,
    )
    def get(self, request: Request) -> Response:
        scope = scope_of(request)
        learner = scope.learner
        return Response(
            MeOutput(
                {
                    "id": learner.pk,
                    "email": learner.email,
                    "display_name": learner.display_name,
                    "role": learner.role,
                    "service_account": scope.service_account_name,
                }
            ).data
        )


class MasteryLineOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    position = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=10, decimal_places=3, coerce_to_string=False)
    max_points = serializers.DecimalField(max_digits=10, decimal_places=3, coerce_to_string=False)
    percent = serializers.IntegerField()
    needs_review = serializers.BooleanField()


class ProgressOutput(serializers.Serializer[Any]):
    sections = MasteryLineOutput(many=True)
    objectives = MasteryLineOutput(many=True, help_text="Learning objectives of the questions.")


class MyProgress(LearnerApiView):
    @extend_schema(
        tags=[PROGRESS_TAG],
        operation_id="me_progress",
        summary="Mastery per section and per learning objective",
        description=(
            "From the learner's latest answer to each question, over the attempts whose grades "
            "the feedback policy lets them see; below 70% a line needs review."
        ),
        responses=ProgressOutput,
        examples=[
            OpenApiExample(
                "Progress",
                value={
                    "sections": [
                        {
                            "id": 3,
                            "slug": "docker-architecture",
                            "title": "Docker Architecture",
                            "position": 2,
                            "points": 4.0,
                            "max_points": 6.0,
                            "percent": 67,
                            "needs_review": True,
                        }
                    ],
                    "objectives": [],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        scope = scope_of(request)
        mastery = mastery_for_learner(
            learner=scope.learner, now=timezone.now(), module_ids=scope.module_ids
        )
        return Response(ProgressOutput(mastery).data)


# Results export (instructors) -----------------------------------------------------------------


class ResultFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AttemptStatus.choices)
    passed = django_filters.BooleanFilter()
    learner = django_filters.CharFilter(
        field_name="learner__email", lookup_expr="icontains", help_text="Part of an email."
    )
    submitted_after = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Attempt
        fields = ["status", "passed", "learner", "submitted_after", "submitted_before"]


RESULT_FILTER_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=AttemptStatus.values),
    OpenApiParameter("passed", OpenApiTypes.BOOL),
    OpenApiParameter("learner", OpenApiTypes.STR, description="Part of an email."),
    OpenApiParameter("submitted_after", OpenApiTypes.DATETIME),
    OpenApiParameter("submitted_before", OpenApiTypes.DATETIME),
]


class ResultsPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_RESULTS_PAGE_SIZE


class InstructorLearnerOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


class InstructorAttemptResultOutput(serializers.Serializer[Attempt]):
    attempt = serializers.IntegerField(source="pk")
    learner = InstructorLearnerOutput()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    finalised_by = serializers.CharField(allow_blank=True)
    score = serializers.DecimalField(
        max_digits=8, decimal_places=3, coerce_to_string=False, allow_null=True
    )
    max_score = serializers.DecimalField(max_digits=8, decimal_places=3, coerce_to_string=False)
    percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    passed = serializers.BooleanField(allow_null=True)


def _results(request: Request, slug: str) -> QuerySet[Attempt]:
    """Every learner's attempts at the assessment, filtered by the query string."""
    assessment = assessment_get_for_instructor(slug=slug)
    filters = ResultFilter(
        request.query_params, queryset=attempt_list_for_instructor(assessment=assessment)
    )
    if not filters.is_valid():
        raise serializers.ValidationError(filters.errors)
    return filters.qs


@extend_schema_view(
    get=extend_schema(
        tags=[INSTRUCTOR_TAG],
        operation_id="assessment_results",
        summary="Every learner's attempts at an assessment (instructors)",
        parameters=RESULT_FILTER_PARAMETERS,
    )
)
class AssessmentResults(generics.ListAPIView[Attempt]):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.assessment_module)
    serializer_class = InstructorAttemptResultOutput
    pagination_class = ResultsPagination
    filter_backends: list[Any] = []  # _results() filters, the same way as for the CSV
    queryset = Attempt.objects.none()  # the schema generator's model hint

    def get_queryset(self) -> QuerySet[Attempt]:
        return _results(self.request, self.kwargs["slug"])


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return str(data).encode(self.charset)


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(attempts: QuerySet[Attempt]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in attempts_csv_rows(attempts.iterator()):
        yield writer.writerow(row)


class AssessmentResultsCsv(APIView):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.assessment_module)
    # JSON first, so problem responses are negotiated even by a client that asks for CSV.
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        tags=[INSTRUCTOR_TAG],
        operation_id="assessment_results_csv",
        summary="The same results as CSV (instructors)",
        parameters=RESULT_FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            _csv_lines(_results(request, slug)), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{slug}-results.csv"'
        return response
