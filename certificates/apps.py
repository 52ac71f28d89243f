from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certification"

    def ready(self) -> None:
        from assessments.api import subscribe_attempt_graded
        from certificates.grading_events import on_attempt_graded, on_submission_graded
        from practicals.api import subscribe_submission_graded

        subscribe_attempt_graded(on_attempt_graded)
        subscribe_submission_graded(on_submission_graded)
