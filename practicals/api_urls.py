from django.urls import path

from practicals.endpoints import instructor, learner

urlpatterns = [
    path("practicals/tasks/", learner.PracticalTaskList.as_view(), name="api-practical-tasks"),
    path(
        "practicals/tasks/<slug:slug>/",
        learner.PracticalTaskDetail.as_view(),
        name="api-practical-task",
    ),
    path(
        "practicals/tasks/<slug:slug>/starter.zip",
        learner.StarterDownload.as_view(),
        name="api-practical-task-starter",
    ),
    path(
        "practicals/tasks/<slug:slug>/submissions/",
        learner.SubmissionCreate.as_view(),
        name="api-practical-submit",
    ),
    path(
        "practicals/submissions/",
        learner.SubmissionList.as_view(),
        name="api-practical-submissions",
    ),
    path(
        "practicals/submissions/<number:submission_id>/",
        learner.SubmissionStatusApi.as_view(),
        name="api-practical-submission",
    ),
    path(
        "practicals/submissions/<number:submission_id>/result/",
        learner.SubmissionResult.as_view(),
        name="api-practical-submission-result",
    ),
    # Instructors.
    path(
        "practicals/manage/tasks/<slug:slug>/submissions/",
        instructor.TaskSubmissionsForInstructor.as_view(),
        name="api-practical-task-submissions",
    ),
    path(
        "practicals/manage/tasks/<slug:slug>/regrade/",
        instructor.TaskRegrade.as_view(),
        name="api-practical-task-regrade",
    ),
    path(
        "practicals/manage/submissions/<number:submission_id>/",
        instructor.SubmissionResultForInstructor.as_view(),
        name="api-practical-submission-runs",
    ),
    path(
        "practicals/manage/submissions/<number:submission_id>/regrade/",
        instructor.SubmissionRegrade.as_view(),
        name="api-practical-submission-regrade",
    ),
]
