from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # A graded attempt makes its assessment's item statistics stale (see statistics_selectors).
        from assessments.events import subscribe_attempt_graded
        from assessments.selectors.statistics import (
            statistics_invalidate_for_attempt,
            statistics_invalidate_for_submission,
        )
        from practicals.api import subscribe_submission_graded

        subscribe_attempt_graded(statistics_invalidate_for_attempt)
        subscribe_submission_graded(statistics_invalidate_for_submission)
