from django.urls import path

from assessments.endpoints import questions

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
]
