"""Stable public URLs: credentials name them, so they must never move.

/credentials/issuer is the issuer id in every credential, /credentials/status/<id> the status
list each credential points at, /verify/<code>/ the address printed in every QR code.
"""

from django.urls import path

from certificates import views

app_name = "certificates_public"

urlpatterns = [
    path("credentials/issuer", views.issuer_profile, name="issuer"),
    path("credentials/status/<number:status_list_id>", views.status_list, name="status_list"),
    path("credentials/achievements/<slug:slug>", views.achievement, name="achievement"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code_page, name="verify_code"),
]
