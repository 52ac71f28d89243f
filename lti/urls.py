from django.urls import path

from lti import deep_linking, manage_views, views

app_name = "lti"

urlpatterns = [
    path("login/", views.OidcLogin.as_view(), name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks.json", views.jwks, name="jwks"),
    path("deep-link/", deep_linking.respond, name="deep_link"),
    path("manage/", manage_views.links, name="manage"),
    path(
        "manage/deliveries/<number:delivery_id>/resend/",
        manage_views.delivery_resend,
        name="delivery_resend",
    ),
    path(
        "manage/links/<number:link_id>/send-results/",
        manage_views.link_send_results,
        name="link_send_results",
    ),
    path(
        "manage/contexts/<number:context_id>/sync-members/",
        manage_views.members_sync,
        name="members_sync",
    ),
]
