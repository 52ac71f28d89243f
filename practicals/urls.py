from django.urls import path

from practicals import views

app_name = "practicals"

urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("tasks/<slug:slug>/", views.task_detail, name="task"),
    path("tasks/<slug:slug>/starter.zip", views.starter_download, name="starter"),
    path("submissions/<number:submission_id>/", views.submission_detail, name="submission"),
    path(
        "submissions/<number:submission_id>/status.json",
        views.submission_status,
        name="submission_status",
    ),
    path(
        "manage/tasks/<slug:slug>/submissions/",
        views.instructor_submissions,
        name="instructor_submissions",
    ),
    path(
        "manage/tasks/<slug:slug>/regrade/",
        views.instructor_regrade_task,
        name="instructor_regrade_task",
    ),
    path(
        "manage/submissions/<number:submission_id>/regrade/",
        views.instructor_regrade_submission,
        name="instructor_regrade_submission",
    ),
]
