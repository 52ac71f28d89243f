from django.urls import path

from certificates import endpoints

urlpatterns = [
    path("certificates/", endpoints.LearnerCertificateList.as_view(), name="api-certificate-list"),
    path(
        "certificates/<str:code>/",
        endpoints.LearnerCertificateDetail.as_view(),
        name="api-certificate-detail",
    ),
    path(
        "certificates/<str:code>/credential/",
        endpoints.CertificateCredentialDownload.as_view(),
        name="api-certificate-credential",
    ),
    path(
        "certificates/<str:code>/pdf/",
        endpoints.CertificatePdfDownload.as_view(),
        name="api-certificate-pdf",
    ),
    path(
        "certificates/<str:code>/pdf/regenerate/",
        endpoints.CertificatePdfRegenerate.as_view(),
        name="api-certificate-pdf-regenerate",
    ),
    path(
        "certificates/<str:code>/revoke/",
        endpoints.CertificateRevoke.as_view(),
        name="api-certificate-revoke",
    ),
    path(
        "certificates/<str:code>/reissue/",
        endpoints.CertificateReissue.as_view(),
        name="api-certificate-reissue",
    ),
    path(
        "certification/standing/",
        endpoints.LearnerStanding.as_view(),
        name="api-certification-standing",
    ),
    path(
        "certification/programs/",
        endpoints.ProgramList.as_view(),
        name="api-certification-programs",
    ),
    path(
        "certification/programs/<slug:slug>/certificates/",
        endpoints.ProgramCertificates.as_view(),
        name="api-certification-program-certificates",
    ),
    path("verify/", endpoints.Verify.as_view(), name="api-verify"),
    path("verify/<str:code>/", endpoints.VerifyByCode.as_view(), name="api-verify-code"),
]
