from django.apps import AppConfig

from quayside.announcements import Topic, subscribe


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certification"

    def ready(self) -> None:
        # Imported here: models load only once the app registry is ready.
        from certificates import subscriptions

        subscribe(Topic.ATTEMPT_GRADED, subscriptions.on_attempt_graded)
        subscribe(Topic.SUBMISSION_GRADED, subscriptions.on_submission_graded)
        subscribe(Topic.DISPLAY_NAME_CHANGED, subscriptions.on_display_name_changed)
