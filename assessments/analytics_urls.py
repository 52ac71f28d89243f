from django.urls import path

from accounts.api import instructor_required
from assessments import analytics_views as views

app_name = "analytics"

urlpatterns = [
    path("", instructor_required(views.analytics_index), name="index"),
    path(
        "assessments/<slug:slug>/",
        instructor_required(views.assessment_report),
        name="assessment_report",
    ),
    path(
        "assessments/<slug:slug>/items.csv",
        instructor_required(views.assessment_report_csv),
        name="assessment_report_csv",
    ),
    path(
        "courses/<slug:course_slug>/<slug:module_slug>/",
        instructor_required(views.course_report),
        name="course_report",
    ),
]
