from django.apps import AppConfig


class PracticalsConfig(AppConfig):
    name = "practicals"
    verbose_name = "Practical tasks and grading"
