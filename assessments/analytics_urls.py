from django.urls import path

from accounts.api import course_staff_required, instructor_required
from assessments import analytics_views as views
from assessments import staff_routes

app_name = "analytics"

urlpatterns = [
    path("", instructor_required(views.analytics_index), name="index"),
    path(
        "assessments/<slug:slug>/",
        course_staff_required(staff_routes.assessment_module)(views.assessment_report),
        name="assessment_report",
    ),
    path(
        "assessments/<slug:slug>/items.csv",
        course_staff_required(staff_routes.assessment_module)(views.assessment_report_csv),
        name="assessment_report_csv",
    ),
    path(
        "courses/<slug:course_slug>/<slug:module_slug>/",
        course_staff_required(staff_routes.course_module)(views.course_report),
        name="course_report",
    ),
]
