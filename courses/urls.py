from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:course_slug>/<slug:module_slug>/", views.module_detail, name="module"),
    path(
        "<slug:course_slug>/<slug:module_slug>/<slug:section_slug>/",
        views.section_detail,
        name="section",
    ),
]
