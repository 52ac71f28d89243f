from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# Registers the <number:...> path converter before any app's URLs are read.
from quayside import health, identifiers, problem_details  # noqa: F401

handler404 = "quayside.problem_details.not_found"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("authoring/", include("assessments.authoring_urls")),
    path("learn/", include("assessments.portal_urls")),
    path("practice/", include("practicals.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("quayside.api_urls")),
    re_path(r"^api/", problem_details.api_not_found),
    path("certificates/", include("certificates.urls")),
    path("", include("certificates.public_urls")),
    path("", include("courses.urls")),
]
