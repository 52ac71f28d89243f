from django.apps import AppConfig

from quayside.announcements import Topic, subscribe


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # A graded attempt makes its assessment's item statistics stale
        # (see assessments.selectors.statistics).
        # Imported here: models load only once the app registry is ready.
        from assessments.selectors.statistics import (
            statistics_invalidate_for_attempt,
            statistics_invalidate_for_submission,
        )

        subscribe(Topic.ATTEMPT_GRADED, statistics_invalidate_for_attempt)
        subscribe(Topic.SUBMISSION_GRADED, statistics_invalidate_for_submission)
