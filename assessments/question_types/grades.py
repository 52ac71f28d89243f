"""The outcome of grading one response."""

from collections.abc import Sequence
from dataclasses import dataclass

# Grades are computed in floats; a sum of thirds must still count as full credit.
FULL_CREDIT_EPSILON = 1e-9
# Grades are stored and compared; more digits than this are noise from float arithmetic.
FRACTION_DIGITS = 7
PERCENT = 100


@dataclass(frozen=True)
class PartFeedback:
    """Feedback on one part of a response: a picked option, a matched pair, a Dockerfile rule.

    `label` names the part in the learner's terms (their option's text, a left item, a rule id).
    """

    label: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response. `explanation` is written for the learner."""

    fraction: float
    correct: bool
    parts: tuple[PartFeedback, ...] = ()
    explanation: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.fraction <= 1:
            raise ValueError(f"a grade's fraction must be within 0..1, not {self.fraction}")
        if self.correct != (self.fraction == 1):
            raise ValueError("a grade is correct exactly when its fraction is 1")

    @classmethod
    def of(
        cls, fraction: float, *, parts: Sequence[PartFeedback] = (), explanation: str = ""
    ) -> "Grade":
        """A grade for `fraction`, clamped to 0..1 and rounded so float noise cannot cost credit.

        `explanation` follows a verdict ("Correct.", "Partly correct (50%).", "Incorrect.").
        """
        clamped = min(1.0, max(0.0, float(fraction)))
        if clamped >= 1 - FULL_CREDIT_EPSILON:
            clamped = 1.0
        rounded = round(clamped, FRACTION_DIGITS)
        text = " ".join(part for part in (verdict(rounded), explanation.strip()) if part)
        return cls(rounded, rounded == 1, tuple(parts), text)


def verdict(fraction: float) -> str:
    """How the response did overall, in words."""
    if fraction >= 1:
        return "Correct."
    if fraction > 0:
        return f"Partly correct ({round(fraction * PERCENT)}%)."
    return "Incorrect."
