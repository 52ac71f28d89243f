"""Read-only REST endpoints for course content, for signed-in users: selector → serializer."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import IsCourseSlugStaff
from courses import selectors
from courses.enrolment import (
    EnrolmentRefusedError,
    enrolment_by_instructor,
    enrolment_list_for_course,
)
from courses.models import Course, Module, Section
from courses.serializers import (
    CourseOutputSerializer,
    ModuleDetailOutputSerializer,
    ModuleListOutputSerializer,
    SectionDetailOutputSerializer,
    SectionListOutputSerializer,
)
from lms.api import learner_scope

TAG = "courses"


@extend_schema(
    tags=[TAG],
    summary="List courses (`?enrolled=true`: the learner's own; `?course=<slug>`: that one)",
    parameters=[
        OpenApiParameter("enrolled", bool),
        OpenApiParameter("course", str),
    ],
)
class CourseListApi(generics.ListAPIView):
    serializer_class = CourseOutputSerializer
    queryset = Course.objects.none()  # the schema generator's model hint

    def get_queryset(self) -> QuerySet[Course]:
        scope = learner_scope(self.request)
        courses = selectors.course_list(module_ids=scope.module_ids)
        if self.request.query_params.get("enrolled") == "true":
            courses = courses.filter(enrolments__learner=scope.learner)
        return courses


@extend_schema(tags=[TAG], summary="List a course's modules")
class ModuleListApi(generics.ListAPIView):
    serializer_class = ModuleListOutputSerializer
    queryset = Module.objects.none()  # the schema generator's model hint

    def get_queryset(self) -> QuerySet[Module]:
        return selectors.module_list_for_course(
            course_slug=self.kwargs["course_slug"],
            module_ids=learner_scope(self.request).module_ids,
        )


class ModuleDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="A module with its objectives, sections and key takeaways",
        responses=ModuleDetailOutputSerializer,
    )
    def get(self, request: Request, course_slug: str, module_slug: str) -> Response:
        overview = selectors.module_get_for_reader(
            course_slug=course_slug,
            module_slug=module_slug,
            module_ids=learner_scope(request).module_ids,
        )
        return Response(ModuleDetailOutputSerializer(overview).data)


@extend_schema(tags=[TAG], summary="List a module's sections")
class SectionListApi(generics.ListAPIView):
    serializer_class = SectionListOutputSerializer
    queryset = Section.objects.none()  # the schema generator's model hint

    def get_queryset(self) -> QuerySet[Section]:
        return selectors.section_list_for_module(
            course_slug=self.kwargs["course_slug"],
            module_slug=self.kwargs["module_slug"],
            module_ids=learner_scope(self.request).module_ids,
        )


class SectionDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="A section with its rendered body and structured content blocks",
        responses=SectionDetailOutputSerializer,
    )
    def get(
        self, request: Request, course_slug: str, module_slug: str, section_slug: str
    ) -> Response:
        section = selectors.section_get_with_blocks(
            course_slug=course_slug,
            module_slug=module_slug,
            section_slug=section_slug,
            module_ids=learner_scope(request).module_ids,
        )
        return Response(SectionDetailOutputSerializer(section).data)


class EnrolmentOutputSerializer(serializers.Serializer[Any]):
    learner_email = serializers.EmailField(source="learner.email")
    learner_name = serializers.CharField(source="learner.display_name")
    how = serializers.CharField(source="source")
    created_at = serializers.DateTimeField()


class EnrolmentInputSerializer(serializers.Serializer[Any]):
    learner_email = serializers.EmailField()


class CourseEnrolmentsApi(APIView):
    """The staff of a course list its learners and enrol one by email."""

    permission_classes = [IsCourseSlugStaff]

    @extend_schema(
        tags=[TAG],
        summary="A course's enrolments (its staff)",
        responses=EnrolmentOutputSerializer(many=True),
    )
    def get(self, request: Request, course_slug: str) -> Response:
        course = get_object_or_404(Course, slug=course_slug)
        enrolments = enrolment_list_for_course(course=course)
        return Response(EnrolmentOutputSerializer(enrolments, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Enrol a learner by email (its staff)",
        request=EnrolmentInputSerializer,
        responses={201: EnrolmentOutputSerializer, 200: EnrolmentOutputSerializer},
    )
    def post(self, request: Request, course_slug: str) -> Response:
        course = get_object_or_404(Course, slug=course_slug)
        payload = EnrolmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        email = payload.validated_data["learner_email"]
        try:
            created = enrolment_by_instructor(
                course=course, instructor=request.user, learner_email=email
            )
        except EnrolmentRefusedError as error:
            raise ValidationError({"learner_email": [str(error)]}) from error
        enrolment = enrolment_list_for_course(course=course).get(learner__email__iexact=email)
        return Response(
            EnrolmentOutputSerializer(enrolment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
