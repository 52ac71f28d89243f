"""Learner and instructor pages, mounted at /certificates/."""

from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("programs/", views.program_list, name="programs"),
    path("programs/<slug:slug>/", views.program_certificates, name="program"),
    path("<str:code>/", views.certificate_detail, name="detail"),
    path("<str:code>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("<str:code>/credential.json", views.certificate_credential, name="credential"),
    path("<str:code>/reissue-with-my-name/", views.certificate_reissue_own, name="reissue_own"),
    path("<str:code>/revoke/", views.certificate_revoke_page, name="revoke"),
    path("<str:code>/reissue/", views.certificate_reissue_page, name="reissue"),
    path("<str:code>/regenerate-pdf/", views.certificate_pdf_regenerate, name="regenerate_pdf"),
]
