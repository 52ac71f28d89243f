from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certification"

    def ready(self) -> None:
        from accounts.events import subscribe_display_name_changed
        from assessments.api import subscribe_attempt_graded
        from certificates.api import learner_display_name_changed
        from certificates.grading_events import on_attempt_graded, on_submission_graded
        from practicals.api import subscribe_submission_graded

        subscribe_attempt_graded(on_attempt_graded)
        subscribe_submission_graded(on_submission_graded)
        subscribe_display_name_changed(
            lambda user_id: learner_display_name_changed(learner_id=user_id)
        )
