from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "LMS integration"

    def ready(self) -> None:
        # Registers the OpenAPI description of ServiceAccountAuthentication.
        from lms import schema  # noqa: F401
        from lms.subscriptions import subscribe_all

        subscribe_all()
