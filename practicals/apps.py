from django.apps import AppConfig


class PracticalsConfig(AppConfig):
    name = "practicals"
    verbose_name = "Practical tasks and grading"

    def ready(self) -> None:
        # A grading worker watches its own engine (heartbeats, janitor); signals only fire in
        # Celery workers, so web processes start nothing.
        from practicals import engine_watch  # noqa: F401
