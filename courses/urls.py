from django.urls import path
from django.http import HttpResponse
app_name = "courses"
urlpatterns = [path("", lambda r: HttpResponse(""), name="home")]
