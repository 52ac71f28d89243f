from django.urls import path

from courses import api_views

app_name = "courses_api"

urlpatterns = [
    path("courses/", api_views.CourseListApi.as_view(), name="course_list"),
    path(
        "courses/<slug:course_slug>/enrolments/",
        api_views.CourseEnrolmentsApi.as_view(),
        name="course_enrolments",
    ),
    path(
        "courses/<slug:course_slug>/modules/",
        api_views.ModuleListApi.as_view(),
        name="module_list",
    ),
    path(
        "courses/<slug:course_slug>/modules/<slug:module_slug>/",
        api_views.ModuleDetailApi.as_view(),
        name="module_detail",
    ),
    path(
        "courses/<slug:course_slug>/modules/<slug:module_slug>/sections/",
        api_views.SectionListApi.as_view(),
        name="section_list",
    ),
    path(
        "courses/<slug:course_slug>/modules/<slug:module_slug>/sections/<slug:section_slug>/",
        api_views.SectionDetailApi.as_view(),
        name="section_detail",
    ),
]
