from django.urls import path

from assessments.endpoints import attempts, lms, questions, statistics

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
        "authoring/questions/<number:question_id>/",
        questions.QuestionDetail.as_view(),
        name="api-question-detail",
    ),
    path(
        "authoring/questions/<number:question_id>/versions/",
        questions.QuestionVersionList.as_view(),
        name="api-question-versions",
    ),
    path(
        "authoring/questions/<number:question_id>/approve/",
        questions.DraftApprove.as_view(),
        name="api-draft-approve",
    ),
    path(
        "authoring/questions/<number:question_id>/reject/",
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
    path("attempts/<number:attempt_id>/", attempts.AttemptDetailApi.as_view(), name="api-attempt"),
    path(
        "attempts/<number:attempt_id>/answers/<number:position>/",
        attempts.AnswerSave.as_view(),
        name="api-attempt-answer",
    ),
    path(
        "attempts/<number:attempt_id>/answers/<number:position>/check/",
        attempts.AnswerCheck.as_view(),
        name="api-attempt-answer-check",
    ),
    path(
        "attempts/<number:attempt_id>/submit/",
        attempts.AttemptSubmit.as_view(),
        name="api-attempt-submit",
    ),
    path(
        "attempts/<number:attempt_id>/result/",
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
    path(
        "assessments/<slug:slug>/statistics/",
        statistics.AssessmentStatisticsApi.as_view(),
        name="api-assessment-statistics",
    ),
    path(
        "assessments/<slug:slug>/statistics.csv",
        statistics.AssessmentStatisticsCsv.as_view(),
        name="api-assessment-statistics-csv",
    ),
]
