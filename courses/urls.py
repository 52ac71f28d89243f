from django.urls import path

from accounts.api import course_slug_staff_required
from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:course_slug>/enrol/", views.enrol, name="enrol"),
    path(
        "<slug:course_slug>/enrolments/",
        course_slug_staff_required(views.course_enrolments),
        name="enrolments",
    ),
    path("<slug:course_slug>/<slug:module_slug>/", views.module_detail, name="module"),
    path(
        "<slug:course_slug>/<slug:module_slug>/<slug:section_slug>/",
        views.section_detail,
        name="section",
    ),
]
