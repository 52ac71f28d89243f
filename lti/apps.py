from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3 tool"

    def ready(self) -> None:
        from lti.subscriptions import subscribe_all

        subscribe_all()
