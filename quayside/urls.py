from typing import Any

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Registers the <number:...> path converter before any app's URLs are read.
from quayside import health, identifiers, problem_details  # noqa: F401

handler404 = "quayside.problem_details.not_found"

# Swagger UI's page: its init script is a separate file (the split view), but its page carries a
# <style> block and its widgets set inline styles; inline styles are allowed there alone.
_api_docs_policy: dict[str, Any] = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}
api_docs = csp_override(_api_docs_policy)(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("authoring/", include("assessments.authoring_urls")),
    path("analytics/", include("assessments.analytics_urls")),
    path("course-sync/", include("coursepackages.urls")),
    path("learn/", include("assessments.portal_urls")),
    path("practice/", include("practicals.urls")),
    path("lti/", include("lti.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/v1/", include("quayside.api_urls")),
    re_path(r"^api/", problem_details.api_not_found),
    path("certificates/", include("certificates.urls")),
    path("", include("certificates.public_urls")),
    path("", include("courses.urls")),
]
