"""Instructor-only REST endpoints of the question bank (/api/v1/authoring/...).

These serializers expose answer keys; they are never used by learner-facing endpoints.
"""

from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import (
    IsCourseStaff,
    IsInstructor,
    request_user,
    staff_module_scope,
    user_may_edit_section,
)
from assessments import selectors, staff_routes
from assessments.interchange.model import ExportError
from assessments.models import Provenance, Question, QuestionStatus, QuestionVersion
from assessments.models.questions import QUESTION_TYPE_CHOICES
from assessments.services.interchange import (
    CATEGORY_TO_SECTION,
    CATEGORY_TO_TAG,
    FORMAT_GIFT,
    FORMAT_MOODLE_XML,
    questions_export,
    questions_import,
)
from assessments.services.questions import (
    QuestionContent,
    QuestionSpecError,
    draft_approve,
    draft_reject,
    question_create,
    question_exam_pool_set,
    question_revise,
    question_tags_set,
)
from quayside.identifiers import DatabaseIdField, query_database_ids
from quayside.problem_details import Problem
from quayside.request_limits import MULTIPART_OVERHEAD_BYTES

MAX_IMPORT_BYTES = 10 * 1024 * 1024
IMPORT_REQUEST_MAX_BYTES = MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES


class QuestionVersionOutput(serializers.ModelSerializer[QuestionVersion]):
    objectives: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = QuestionVersion
        fields = [
            "number",
            "type",
            "spec",
            "points",
            "difficulty",
            "objectives",
            "change_note",
            "created_at",
            "first_shown_at",
        ]


class QuestionOutput(serializers.ModelSerializer[Question]):
    tags: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    current_version = QuestionVersionOutput(read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "key",
            "section",
            "status",
            "exam_only",
            "tags",
            "provenance",
            "provenance_detail",
            "current_version",
            "created_at",
            "updated_at",
        ]


class QuestionContentInput(serializers.Serializer[Any]):
    section = DatabaseIdField()
    type = serializers.ChoiceField(choices=QUESTION_TYPE_CHOICES)
    spec = serializers.DictField()
    points = serializers.FloatField(min_value=0.01, default=1)
    difficulty = serializers.FloatField(min_value=0, max_value=1, default=0.5)
    objectives = serializers.ListField(child=DatabaseIdField(), default=list)
    tags = serializers.ListField(child=serializers.SlugField(max_length=64), default=list)
    exam_only = serializers.BooleanField(
        default=False,
        help_text="The exam pool: only the final exam draws the question, nothing else shows it.",
    )
    change_note = serializers.CharField(max_length=300, required=False, default="")

    def content(self) -> QuestionContent:
        data = self.validated_data
        return QuestionContent(
            type=data["type"],
            spec=data["spec"],
            points=data["points"],
            difficulty=data["difficulty"],
            objective_ids=tuple(data["objectives"]),
        )


class QuestionCreateInput(QuestionContentInput):
    key = serializers.RegexField(r"^[a-z0-9][a-z0-9-]*$", max_length=100)


def _section_of_your_course(request: Request, section_id: int) -> None:
    """A section outside the courses the instructor teaches is as unknown as a missing one."""
    if not user_may_edit_section(request.user, section_id):
        raise exceptions.ValidationError({"section": ["No such section in the courses you teach."]})


def _spec_error(error: QuestionSpecError) -> exceptions.ValidationError:
    """Every problem of the spec, as field errors of `spec` in the problem+json body."""
    return exceptions.ValidationError({"spec": error.errors})


@extend_schema(
    tags=["authoring"],
    parameters=[
        OpenApiParameter("section", int),
        OpenApiParameter("objective", int),
        OpenApiParameter("type", str),
        OpenApiParameter("status", str),
        OpenApiParameter("tag", str),
        OpenApiParameter("q", str),
    ],
)
class QuestionListCreate(generics.ListAPIView[Question]):
    permission_classes = [IsInstructor]
    serializer_class = QuestionOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        params = self.request.query_params
        ids = query_database_ids(params, "section", "objective")
        return selectors.question_list(
            filters=selectors.QuestionFilter(
                section_id=ids["section"],
                objective_id=ids["objective"],
                type=params.get("type") or None,
                status=params.get("status") or None,
                tag=params.get("tag") or None,
                text=params.get("q") or None,
                module_ids=staff_module_scope(self.request.user),
            )
        ).prefetch_related("current_version__objectives")

    @extend_schema(request=QuestionCreateInput, responses={201: QuestionOutput})
    def post(self, request: Request) -> Response:
        payload = QuestionCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        _section_of_your_course(request, payload.validated_data["section"])
        try:
            question = question_create(
                key=payload.validated_data["key"],
                section_id=payload.validated_data["section"],
                content=payload.content(),
                provenance=Provenance.AUTHORED,
                status=QuestionStatus.DRAFT,
                tags=payload.validated_data["tags"],
                author=request_user(request),
                exam_only=payload.validated_data["exam_only"],
            )
        except QuestionSpecError as error:
            raise _spec_error(error) from error
        except IntegrityError as error:
            raise Problem(
                status=status.HTTP_409_CONFLICT,
                code="duplicate_key",
                detail="A question with this key exists already.",
            ) from error
        return Response(
            QuestionOutput(selectors.question_get(question_id=question.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["authoring"])
class QuestionDetail(APIView):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.question_module)

    @extend_schema(responses=QuestionOutput)
    def get(self, request: Request, question_id: int) -> Response:
        question = get_object_or_404(
            Question.objects.select_related("current_version"), pk=question_id
        )
        return Response(QuestionOutput(question).data)

    @extend_schema(request=QuestionContentInput, responses=QuestionOutput)
    def put(self, request: Request, question_id: int) -> Response:
        """Revise the question: a new version when the content changed, none otherwise."""
        question = get_object_or_404(Question, pk=question_id)
        payload = QuestionContentInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            question_revise(
                question=question,
                content=payload.content(),
                author=request_user(request),
                note=payload.validated_data["change_note"],
            )
        except QuestionSpecError as error:
            raise _spec_error(error) from error
        question_tags_set(question=question, tags=payload.validated_data["tags"])
        question_exam_pool_set(question=question, exam_only=payload.validated_data["exam_only"])
        return Response(QuestionOutput(selectors.question_get(question_id=question.pk)).data)


@extend_schema(tags=["authoring"])
class QuestionVersionList(generics.ListAPIView[QuestionVersion]):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.question_module)
    serializer_class = QuestionVersionOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return (
            QuestionVersion.objects.filter(question_id=self.kwargs["question_id"])
            .prefetch_related("objectives")
            .order_by("-number")
        )


class RejectInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


@extend_schema(tags=["authoring"], request=None, responses=QuestionOutput)
class DraftApprove(APIView):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.question_module)

    def post(self, request: Request, question_id: int) -> Response:
        question = get_object_or_404(Question, pk=question_id)
        try:
            draft_approve(question=question, reviewer=request_user(request))
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(QuestionOutput(selectors.question_get(question_id=question.pk)).data)


@extend_schema(tags=["authoring"], request=RejectInput, responses=QuestionOutput)
class DraftReject(APIView):
    permission_classes = [IsCourseStaff]
    course_module_of = staticmethod(staff_routes.question_module)

    def post(self, request: Request, question_id: int) -> Response:
        question = get_object_or_404(Question, pk=question_id)
        payload = RejectInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            draft_reject(
                question=question,
                reviewer=request_user(request),
                reason=payload.validated_data["reason"],
            )
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(QuestionOutput(selectors.question_get(question_id=question.pk)).data)


class ImportInput(serializers.Serializer[Any]):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=[FORMAT_GIFT, FORMAT_MOODLE_XML])
    section = DatabaseIdField()
    category_mapping = serializers.ChoiceField(
        choices=[CATEGORY_TO_SECTION, CATEGORY_TO_TAG], default=CATEGORY_TO_TAG
    )

    def validate_file(self, upload: Any) -> Any:
        if upload.size > MAX_IMPORT_BYTES:
            raise serializers.ValidationError(
                f"The file is {upload.size} bytes; the limit is {MAX_IMPORT_BYTES}."
            )
        return upload


class ImportProblemOutput(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    message = serializers.CharField()


class UnsupportedOutput(serializers.Serializer[Any]):
    type_name = serializers.CharField()
    line = serializers.IntegerField()
    name = serializers.CharField()


class ImportOutput(serializers.Serializer[Any]):
    created = serializers.ListField(child=serializers.CharField())
    unsupported = UnsupportedOutput(many=True)
    problems = ImportProblemOutput(many=True, source="errors")
    categories = serializers.ListField(child=serializers.CharField())


@extend_schema(
    tags=["authoring"],
    request={"multipart/form-data": ImportInput},
    responses={201: ImportOutput, 422: ImportOutput},
)
class QuestionImport(APIView):
    permission_classes = [IsInstructor]
    parser_classes = [MultiPartParser]
    max_request_body_bytes = IMPORT_REQUEST_MAX_BYTES

    def post(self, request: Request) -> Response:
        payload = ImportInput(data=request.data)
        payload.is_valid(raise_exception=True)
        _section_of_your_course(request, payload.validated_data["section"])
        upload = payload.validated_data["file"]
        outcome = questions_import(
            data=upload.read(),
            file_name=upload.name,
            file_format=payload.validated_data["format"],
            default_section_id=payload.validated_data["section"],
            category_mapping=payload.validated_data["category_mapping"],
            author=request_user(request),
        )
        body = ImportOutput(outcome).data
        return Response(
            body,
            status=status.HTTP_201_CREATED if outcome.ok else status.HTTP_422_UNPROCESSABLE_ENTITY,
        )


class FileFormatNegotiation(DefaultContentNegotiation):
    """Here `?format=` names the file to write (gift, moodle_xml), not DRF's renderer.

    DRF reads `?format=` as a renderer override and answers 404 for "gift"; with no override
    parameter the response type comes from the Accept header only.
    """

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)  # type: ignore[assignment]


@extend_schema(
    tags=["authoring"],
    parameters=[
        OpenApiParameter("format", str, enum=[FORMAT_GIFT, FORMAT_MOODLE_XML], required=True),
        OpenApiParameter("section", int),
        OpenApiParameter("status", str),
    ],
    responses={(200, "application/octet-stream"): bytes},
)
class QuestionExport(APIView):
    permission_classes = [IsInstructor]
    content_negotiation_class = FileFormatNegotiation

    def get(self, request: Request) -> HttpResponse | Response:
        file_format = request.query_params.get("format")
        if file_format not in (FORMAT_GIFT, FORMAT_MOODLE_XML):
            return Response(
                {"format": ["Use gift or moodle_xml."]}, status=status.HTTP_400_BAD_REQUEST
            )
        filters = selectors.QuestionFilter(
            section_id=query_database_ids(request.query_params, "section")["section"],
            status=request.query_params.get("status") or None,
            module_ids=staff_module_scope(request.user),
        )
        try:
            payload = questions_export(
                questions=selectors.question_list(filters=filters), file_format=file_format
            )
        except ExportError as error:
            return Response(
                {
                    "detail": str(error),
                    "problems": [
                        {"name": p.name, "type": str(p.type), "message": p.message}
                        for p in error.problems
                    ],
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        content_type = (
            "text/plain; charset=utf-8" if file_format == FORMAT_GIFT else "application/xml"
        )
        return HttpResponse(payload, content_type=content_type)
