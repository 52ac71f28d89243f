"""Read-only REST endpoints for course content, for signed-in users: selector → serializer."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import selectors
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


@extend_schema(tags=[TAG], summary="List courses")
class CourseListApi(generics.ListAPIView):
    serializer_class = CourseOutputSerializer
    queryset = Course.objects.none()  # the schema generator's model hint

    def get_queryset(self) -> QuerySet[Course]:
        return selectors.course_list(module_ids=learner_scope(self.request).module_ids)


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
