from django.urls import path

from assessments.endpoints import attempts, lms, questions

urlpatterns = [
    path("authoring/questions/", questions.QuestionListCreate.as_view(), name="api-question-list"),
    path(
        "authoring/questions/import/",
        questions.QuestionImport.as_view(),
        name="api-question-import",
    ),
    path(
        "authoring/questions/export/",
        questions.QuestionExport.as_view(),
        name="api-question-export",
    ),
    path(
        "authoring/questions/<int:question_id>/",
        questions.QuestionDetail.as_view(),
        name="api-question-detail",
    ),
    path(
        "authoring/questions/<int:question_id>/versions/",
        questions.QuestionVersionList.as_view(),
        name="api-question-versions",
    ),
    path(
        "authoring/questions/<int:question_id>/approve/",
        questions.DraftApprove.as_view(),
        name="api-draft-approve",
    ),
    path(
        "authoring/questions/<int:question_id>/reject/",
        questions.DraftReject.as_view(),
        name="api-draft-reject",
    ),
    # LMS integration: learners (their own token, or a service account on their behalf).
    path("me/", lms.Me.as_view(), name="api-me"),
    path("me/progress/", lms.MyProgress.as_view(), name="api-me-progress"),
    path("assessments/", lms.AssessmentList.as_view(), name="api-assessment-list"),
    path("assessments/<slug:slug>/", lms.AssessmentDetail.as_view(), name="api-assessment-detail"),
    path(
        "assessments/<slug:slug>/attempts/",
        attempts.AssessmentAttempts.as_view(),
        name="api-assessment-attempts",
    ),
    path("attempts/<int:attempt_id>/", attempts.AttemptDetailApi.as_view(), name="api-attempt"),
    path(
        "attempts/<int:attempt_id>/answers/<int:position>/",
        attempts.AnswerSave.as_view(),
        name="api-attempt-answer",
    ),
    path(
        "attempts/<int:attempt_id>/answers/<int:position>/check/",
        attempts.AnswerCheck.as_view(),
        name="api-attempt-answer-check",
    ),
    path(
        "attempts/<int:attempt_id>/submit/",
        attempts.AttemptSubmit.as_view(),
        name="api-attempt-submit",
    ),
    path(
        "attempts/<int:attempt_id>/result/",
        attempts.AttemptResult.as_view(),
        name="api-attempt-result",
    ),
    # Instructors.
    path(
        "assessments/<slug:slug>/results/",
        lms.AssessmentResults.as_view(),
        name="api-assessment-results",
    ),
    path(
        "assessments/<slug:slug>/results.csv",
        lms.AssessmentResultsCsv.as_view(),
        name="api-assessment-results-csv",
    ),
]
