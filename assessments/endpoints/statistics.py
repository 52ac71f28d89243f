"""Instructors' item statistics of an assessment (/api/v1/assessments/<slug>/statistics/).

Moodle's quiz statistics: percentages on the 0-100 scale, undefined values as null. Its own
output serializers, shared with no learner endpoint: they show every item's marks and options.
"""

import csv
import io
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import IsCourseStaff
from assessments import staff_routes
from assessments.endpoints.lms import CsvRenderer
from assessments.models import Assessment
from assessments.portal_selectors import assessment_get_for_instructor
from assessments.statistics import AttemptSelection, report_as_json
from assessments.statistics.report import items_csv_rows
from assessments.statistics_selectors import AssessmentStatistics, assessment_statistics_get

STATISTICS_TAG = "statistics"

SELECTION_PARAMETER = OpenApiParameter(
    "attempts",
    OpenApiTypes.STR,
    enum=[selection.value for selection in AttemptSelection],
    description="Which attempts of each learner count; by default those that the "
    "assessment's grading method counts (highest: best, last: last, average: all).",
)


class SelectionInput(serializers.Serializer[Any]):
    attempts = serializers.ChoiceField(
        choices=[selection.value for selection in AttemptSelection], required=False
    )


def _percent(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


class TestStatisticsOutput(serializers.Serializer[Any]):
    attempts = serializers.IntegerField()
    selection = serializers.ChoiceField(choices=[s.value for s in AttemptSelection])
    max_mark = serializers.FloatField(allow_null=True)
    positions = serializers.IntegerField(help_text="Places in the test (slots), p of the CIC.")
    mean = _percent("Mean total, % of max_mark.")
    median = _percent("Median total, % of max_mark.")
    sd = _percent("Sample standard deviation of the totals, % of max_mark.")
    skewness = serializers.FloatField(allow_null=True)
    kurtosis = serializers.FloatField(allow_null=True)
    cic = _percent("Coefficient of internal consistency (Cronbach's alpha x 100).")
    error_ratio = _percent("Error ratio, %.")
    standard_error = _percent("Standard error, % of max_mark.")


class OptionStatisticsOutput(serializers.Serializer[Any]):
    option = serializers.CharField(help_text="The option's id, as responses store it.")
    text = serializers.CharField(source="label")
    count = serializers.IntegerField()
    share = _percent("Percent of the item's attempts that chose it.")
    discrimination = _percent("Pearson(chose it, rest of the test) x 100.")
    is_distractor = serializers.BooleanField()
    non_functional = serializers.BooleanField()


class ItemStatisticsOutput(serializers.Serializer[Any]):
    item = serializers.CharField(help_text="Question key and version.")
    attempts = serializers.IntegerField()
    max_mark = serializers.FloatField()
    facility = _percent("Mean mark, % of max_mark.")
    sd = _percent("Sample SD of the mark, % of max_mark.")
    random_guess_score = _percent("Expected score of a random guess, %.")
    intended_weight = _percent("max_mark, % of the test's max_mark.")
    effective_weight = _percent("Share of the totals' spread due to the item, %.")
    negative_covariance = serializers.BooleanField()
    discrimination_index = _percent("Pearson(mark, total - mark) x 100.")
    discriminative_efficiency = _percent("cov(mark, rest) / its largest possible value x 100.")
    flags = serializers.ListField(child=serializers.CharField())
    options = OptionStatisticsOutput(many=True, required=False)
    question_id = serializers.IntegerField(allow_null=True)


class AssessmentStatisticsOutput(serializers.Serializer[Any]):
    assessment = serializers.SlugField()
    computed_at = serializers.DateTimeField()
    test = TestStatisticsOutput()
    items = ItemStatisticsOutput(many=True)


def _statistics(request: Request, slug: str) -> AssessmentStatistics:
    query = SelectionInput(data=request.query_params)
    query.is_valid(raise_exception=True)
    assessment: Assessment = assessment_get_for_instructor(slug=slug)
    chosen = query.validated_data.get("attempts")
    return assessment_statistics_get(
        assessment=assessment, selection=AttemptSelection(chosen) if chosen else None
    )


class AssessmentStatisticsApi(APIView):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.assessment_module)

    @extend_schema(
        tags=[STATISTICS_TAG],
        operation_id="assessment_statistics",
        summary="Item and test statistics of an assessment, as Moodle computes them (instructors)",
        parameters=[SELECTION_PARAMETER],
        responses={200: AssessmentStatisticsOutput},
    )
    def get(self, request: Request, slug: str) -> Response:
        statistics = _statistics(request, slug)
        shown = report_as_json(statistics.report)
        for item in shown["items"]:
            ref = statistics.items.get(item["item"])
            item["question_id"] = ref.question_id if ref else None
        body = {
            "assessment": statistics.assessment_slug,
            "computed_at": statistics.computed_at,
            **shown,
        }
        return Response(AssessmentStatisticsOutput(body).data)


class AssessmentStatisticsCsv(APIView):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.assessment_module)
    # JSON first, so problem responses are negotiated even by a client that asks for CSV.
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        tags=[STATISTICS_TAG],
        operation_id="assessment_statistics_csv",
        summary="The item statistics as CSV, the JSON item's columns (instructors)",
        parameters=[SELECTION_PARAMETER],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        statistics = _statistics(request, slug)
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(items_csv_rows(statistics.report))
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-item-statistics.csv"'
        return response
