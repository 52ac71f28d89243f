from django.apps import AppConfig

from quayside.announcements import Topic, subscribe


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # A graded attempt makes its assessment's item statistics stale (see statistics_selectors).
        # Imported here: models load only once the app registry is ready.
        from assessments.statistics_selectors import (
            statistics_invalidate_for_attempt,
            statistics_invalidate_for_submission,
        )

        subscribe(Topic.ATTEMPT_GRADED, statistics_invalidate_for_attempt)
        subscribe(Topic.SUBMISSION_GRADED, statistics_invalidate_for_submission)
