"""What makes an item worth an instructor's look. Every threshold is on the report's 0-100
scale; a statistic that is undefined (None) raises no flag."""

from enum import StrEnum

# Moodle marks an item whose discriminative efficiency is below this as dubious.
DISCRIMINATIVE_EFFICIENCY_MIN = 15.0
# Moodle's guidance: a random guess score above this makes the item a lottery.
RANDOM_GUESS_SCORE_MAX = 40.0
# Facility outside this range: nearly everyone or nearly no one earns the marks, so the item
# tells learners apart hardly at all.
FACILITY_MIN = 5.0
FACILITY_MAX = 95.0
# An item's effective weight is "far" from its intended weight when it is more than this
# factor above it or below it (twice or half): the item then steers the total twice as much,
# or half as much, as its marks say.
EFFECTIVE_WEIGHT_FACTOR = 2.0


class ItemFlag(StrEnum):
    LOW_DISCRIMINATIVE_EFFICIENCY = "low_discriminative_efficiency"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    HIGH_RANDOM_GUESS_SCORE = "high_random_guess_score"
    FACILITY_OUT_OF_RANGE = "facility_out_of_range"
    NON_FUNCTIONAL_DISTRACTORS = "non_functional_distractors"
    EFFECTIVE_WEIGHT_OFF = "effective_weight_off"


FLAG_LABELS = {
    ItemFlag.LOW_DISCRIMINATIVE_EFFICIENCY: "Discriminative efficiency below 15",
    ItemFlag.NEGATIVE_DISCRIMINATION: "Negative discrimination",
    ItemFlag.HIGH_RANDOM_GUESS_SCORE: "Random guess score above 40 %",
    ItemFlag.FACILITY_OUT_OF_RANGE: "Facility outside 5-95 %",
    ItemFlag.NON_FUNCTIONAL_DISTRACTORS: "Non-functional distractors",
    ItemFlag.EFFECTIVE_WEIGHT_OFF: "Effective weight far from intended",
}


def item_flags(
    *,
    facility: float | None,
    discrimination_index: float | None,
    discriminative_efficiency: float | None,
    random_guess_score: float | None,
    intended_weight: float | None,
    effective_weight: float | None,
    negative_covariance: bool,
    non_functional_distractors: int,
) -> tuple[ItemFlag, ...]:
    """The item's flags in a fixed order. A negative covariance with the total leaves the
    effective weight undefined (Moodle shows "negative covariance"): the item pulls the total
    the wrong way, so its weight is as far from the intended one as it can be."""
    flags = []
    if discriminative_efficiency is not None and (
        discriminative_efficiency < DISCRIMINATIVE_EFFICIENCY_MIN
    ):
        flags.append(ItemFlag.LOW_DISCRIMINATIVE_EFFICIENCY)
    if discrimination_index is not None and discrimination_index < 0:
        flags.append(ItemFlag.NEGATIVE_DISCRIMINATION)
    if random_guess_score is not None and random_guess_score > RANDOM_GUESS_SCORE_MAX:
        flags.append(ItemFlag.HIGH_RANDOM_GUESS_SCORE)
    if facility is not None and not FACILITY_MIN <= facility <= FACILITY_MAX:
        flags.append(ItemFlag.FACILITY_OUT_OF_RANGE)
    if non_functional_distractors:
        flags.append(ItemFlag.NON_FUNCTIONAL_DISTRACTORS)
    if _weight_off(intended_weight, effective_weight, negative_covariance):
        flags.append(ItemFlag.EFFECTIVE_WEIGHT_OFF)
    return tuple(flags)


def _weight_off(intended: float | None, effective: float | None, negative: bool) -> bool:
    if negative:
        return True
    if intended is None or effective is None or intended <= 0:
        return False
    return (
        effective > intended * EFFECTIVE_WEIGHT_FACTOR
        or effective < intended / EFFECTIVE_WEIGHT_FACTOR
    )
