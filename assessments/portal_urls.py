from django.urls import path

from accounts.api import course_staff_required
from assessments import portal_views as views
from assessments import staff_routes

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assessments/<slug:slug>/", views.assessment_detail, name="assessment"),
    path("assessments/<slug:slug>/start/", views.attempt_start_view, name="start"),
    path("attempts/<number:attempt_id>/", views.attempt_page, name="attempt"),
    path(
        "attempts/<number:attempt_id>/questions/<number:position>/save/",
        views.answer_save,
        name="answer_save",
    ),
    path(
        "attempts/<number:attempt_id>/questions/<number:position>/check/",
        views.answer_check,
        name="answer_check",
    ),
    path("attempts/<number:attempt_id>/submit/", views.attempt_submit_view, name="submit"),
    path("attempts/<number:attempt_id>/result/", views.attempt_result, name="result"),
    path(
        "manage/assessments/<slug:slug>/attempts/",
        course_staff_required(staff_routes.assessment_module)(views.instructor_attempts),
        name="instructor_attempts",
    ),
    path(
        "manage/assessments/<slug:slug>/attempts.csv",
        course_staff_required(staff_routes.assessment_module)(views.instructor_attempts_csv),
        name="instructor_attempts_csv",
    ),
]
