"""Every versioned API route, gathered from each app's own api_urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("courses.api_urls")),
    path("", include("assessments.api_urls")),
    path("", include("certificates.api_urls")),
    path("", include("practicals.api_urls")),
    path("", include("lms.api_urls")),
]
