from assessments.models.questions import (
    Provenance,
    Question,
    QuestionStatus,
    QuestionVersion,
    Tag,
)

__all__ = ["Provenance", "Question", "QuestionStatus", "QuestionVersion", "Tag"]
