from django.urls import path

from accounts.api import course_staff_required, instructor_required
from assessments import analytics_views, interchange_views, staff_routes
from assessments import authoring_views as views

app_name = "authoring"
# Routes naming a question admit only the staff of its course.
on_question = course_staff_required(staff_routes.question_module)

urlpatterns = [
    path("", instructor_required(views.question_list), name="question_list"),
    path("questions/new/", instructor_required(views.question_new), name="question_new"),
    path(
        "questions/preview/", instructor_required(views.question_preview), name="question_preview"
    ),
    path("questions/try/", instructor_required(views.question_try), name="question_try"),
    path("questions/bulk/", instructor_required(views.bulk_action), name="bulk_action"),
    path(
        "questions/<number:question_id>/",
        on_question(views.question_detail),
        name="question_detail",
    ),
    path(
        "questions/<number:question_id>/edit/",
        on_question(views.question_edit),
        name="question_edit",
    ),
    path(
        "questions/<number:question_id>/diff/",
        on_question(views.question_diff),
        name="question_diff",
    ),
    path(
        "questions/<number:question_id>/approve/",
        on_question(views.draft_approve_view),
        name="draft_approve",
    ),
    path(
        "questions/<number:question_id>/reject/",
        on_question(views.draft_reject_view),
        name="draft_reject",
    ),
    path(
        "questions/<number:question_id>/statistics/",
        on_question(analytics_views.question_statistics),
        name="question_statistics",
    ),
    path(
        "questions/<number:question_id>/statistics/retire/",
        on_question(analytics_views.question_retire),
        name="question_retire",
    ),
    path(
        "questions/<number:question_id>/statistics/difficulty/",
        on_question(analytics_views.question_difficulty_from_facility),
        name="question_difficulty_from_facility",
    ),
    path("review/", instructor_required(views.review_queue), name="review_queue"),
    path("import/", instructor_required(interchange_views.question_import), name="question_import"),
    path("export/", instructor_required(interchange_views.question_export), name="question_export"),
]
