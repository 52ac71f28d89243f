from django.apps import AppConfig


class CoursePackagesConfig(AppConfig):
    name = "coursepackages"
    verbose_name = "Course packages"
