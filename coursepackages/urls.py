from django.urls import path

from accounts.api import instructor_required
from coursepackages import views

app_name = "coursepackages"

urlpatterns = [
    path("", instructor_required(views.sync_start), name="sync_start"),
    path("history/", instructor_required(views.sync_history), name="sync_history"),
    path("<number:sync_id>/", instructor_required(views.sync_detail), name="sync_detail"),
    path("<number:sync_id>/apply/", instructor_required(views.sync_apply), name="sync_apply"),
]
