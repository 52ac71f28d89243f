from django.urls import path

from lms import endpoints

urlpatterns = [
    path("lms/learners/", endpoints.LearnerListCreate.as_view(), name="api-lms-learners"),
    path(
        "lms/learners/<number:learner_id>/",
        endpoints.LearnerUpdate.as_view(),
        name="api-lms-learner",
    ),
    path("lms/results/", endpoints.ResultList.as_view(), name="api-lms-results"),
]
