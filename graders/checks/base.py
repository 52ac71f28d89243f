"""What a check is: an id, the phase it runs in, the course section it cites, and a function.

A rubric item names a check by id and gives it points and params; the check returns a
`Finding` (passed, the learner-facing message, optional partial credit and evidence) and the
pipeline turns it into a `CheckOutcome` worth `fraction * points`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from graders.course_sections import CourseSection

if TYPE_CHECKING:
    from graders.checks.context import GradingContext

Params = Mapping[str, Any]


class Phase(IntEnum):
    """When a check runs; the pipeline runs phases in this order and reports progress by name."""

    STATIC = 1  # the submitted text only
    BUILD = 2  # the build's outcome
    RUN = 3  # the built image and a running container
    PROBE = 4  # requests to the running app from a second container

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    """A check's result. `fraction` of the rubric item's points is earned (default: all if
    passed, none if not); `message` is written for the learner."""

    passed: bool
    message: str
    fraction: float | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def earned_fraction(self) -> float:
        if self.fraction is not None:
            return min(max(self.fraction, 0.0), 1.0)
        return 1.0 if self.passed else 0.0


CheckFunction = Callable[["GradingContext", Params], Finding]
# Raises ValueError naming what is wrong with a rubric item's params (checked at task load).
ParamsValidator = Callable[[Params], None]


def no_params_check(params: Params) -> None:
    """The default: a check whose params need no validation beyond its own use."""


@dataclass(frozen=True)
class Check:
    check_id: str
    phase: Phase
    section: CourseSection
    # For instructors picking checks; not learner feedback.
    summary: str
    run: CheckFunction
    # Dynamic checks need a built image; without one they fail with NOT_BUILT_MESSAGE.
    needs_image: bool = False
    validate_params: ParamsValidator = no_params_check


NOT_BUILT_MESSAGE = "Not checked: the image did not build, so there was nothing to run."
OUT_OF_TIME_MESSAGE = "Not checked: grading ran out of its time budget before this check."


def unparsable(error_message: str) -> Finding:
    return Finding(
        passed=False,
        message=f"Not checked: the Dockerfile does not parse ({error_message}).",
    )
