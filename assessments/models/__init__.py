from assessments.models.attempts import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    FeedbackPolicy,
    FinalisedBy,
    GradingMethod,
    LearnerOverride,
)
from assessments.models.questions import (
    Provenance,
    Question,
    QuestionStatus,
    QuestionVersion,
    Tag,
)

__all__ = [
    "Assessment",
    "AssessmentKind",
    "AssessmentSlot",
    "Attempt",
    "AttemptQuestion",
    "AttemptStatus",
    "FeedbackPolicy",
    "FinalisedBy",
    "GradingMethod",
    "LearnerOverride",
    "Provenance",
    "Question",
    "QuestionStatus",
    "QuestionVersion",
    "Tag",
]
