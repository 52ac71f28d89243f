"""What other apps may ask of certificates. Plain values and ids; no model crosses this door."""

from certificates.grading_events import certification_evaluation_enqueue
from certificates.selectors import (
    CertificationStanding,
    RequirementKind,
    RequirementStanding,
    certification_standing_for_learner,
    certification_standings_for_learner,
)

__all__ = [
    "CertificationStanding",
    "RequirementKind",
    "RequirementStanding",
    "certification_standing_for_learner",
    "certification_standings_for_learner",
    "learner_display_name_changed",
]


def learner_display_name_changed(*, learner_id: int) -> None:
    """Call after a learner's display name changes: their certificates are reissued with it."""
    certification_evaluation_enqueue(learner_id=learner_id)
