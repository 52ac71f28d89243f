"""What an instructor does about an item that its statistics single out."""

from accounts.models import User
from assessments.models import Question, QuestionVersion
from assessments.services.questions import QuestionContent, question_revise

# Difficulty is kept to this many decimals (as QuestionContent's fingerprint rounds it).
DIFFICULTY_DECIMALS = 3


def difficulty_from_facility(facility: float) -> float:
    """Difficulty runs from 0 (easy) to 1 (hard); facility is the percent of marks earned."""
    clamped = min(100.0, max(0.0, facility))
    return round(1 - clamped / 100, DIFFICULTY_DECIMALS)


def question_difficulty_set_from_facility(
    *, question: Question, facility: float, author: User
) -> QuestionVersion | None:
    """Record the observed facility as the question's difficulty. Difficulty belongs to the
    version, so this saves a new version (whose statistics start afresh); None when the
    difficulty is already that value. Locks the question row (question_revise)."""
    version = question.current_version
    if version is None:
        raise ValueError(f"{question.key} has no version yet")
    content = QuestionContent(
        type=version.type,
        spec=version.spec,
        points=float(version.points),
        difficulty=difficulty_from_facility(facility),
        objective_ids=tuple(version.objectives.values_list("pk", flat=True)),
    )
    return question_revise(
        question=question,
        content=content,
        author=author,
        note=f"difficulty set from the observed facility ({facility:.1f} %)",
    )
