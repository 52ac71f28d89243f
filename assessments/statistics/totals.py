"""Statistics of the attempts' totals, as Moodle's quiz_statistics calculator computes them:
median, sample standard deviation, skewness and kurtosis from the k-statistics, and the
coefficient of internal consistency (Cronbach's alpha x 100) with its error ratio and standard
error. All in raw marks here; the report scales them to percentages of the test's maximum."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assessments.statistics.moments import Values, deviations

# How far past 100 a CIC may be and still count as 100 (rounding in the sums).
ROUNDING = 1e-12


@dataclass(frozen=True)
class TotalMoments:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None


def median(values: Values | Sequence[float]) -> float | None:
    """The middle value, or the mean of the two middle values for an even count."""
    if not len(values):
        return None
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return float(ordered[middle - 1] + ordered[middle]) / 2


def total_moments(
    *, totals: Values | Sequence[float], positions: int, sum_of_mark_variance: float
) -> TotalMoments:
    """Moodle's rules for what is defined: the SD from two attempts, the skewness from three,
    the kurtosis from four; the skewness, kurtosis and CIC only when the totals vary (k2 != 0);
    the CIC only for more than one position (p). The error ratio is undefined when the CIC
    exceeds 100 (it can, when items were drawn into some attempts only), where Moodle stores
    NULL for the NaN its square root gives."""
    s = len(totals)
    if s == 0:
        return TotalMoments(0, None, None, None, None, None, None, None, None)
    mean, spread, flat = deviations(totals)
    nothing = TotalMoments(s, mean, median(totals), None, None, None, None, None, None)
    if s < 2:
        return nothing
    power2 = float(np.sum(spread**2))
    sd = math.sqrt(power2 / (s - 1))
    if s < 3 or flat:
        return TotalMoments(s, mean, median(totals), sd, None, None, None, None, None)
    power3 = float(np.sum(spread**3))
    power4 = float(np.sum(spread**4))
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    skewness = k3 / k2**1.5
    kurtosis = None
    if s > 3:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        kurtosis = k4 / (k2 * k2)
    cic = error_ratio = standard_error = None
    if positions > 1:
        cic = (100 * positions / (positions - 1)) * (1 - sum_of_mark_variance / k2)
        unexplained = 1 - cic / 100
        if -ROUNDING < unexplained < 0:  # a CIC of exactly 100, give or take rounding
            unexplained = 0.0
        if unexplained >= 0:
            error_ratio = 100 * math.sqrt(unexplained)
            standard_error = error_ratio * sd / 100
    return TotalMoments(
        s, mean, median(totals), sd, skewness, kurtosis, cic, error_ratio, standard_error
    )
