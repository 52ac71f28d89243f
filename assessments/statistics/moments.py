"""The sums Moodle's question statistics calculator accumulates for one item (or one slot).

For the s attempts that have the item: m is the item's mark, X = the attempt's total minus m
(the rest of the test), T = the attempt's total. Every variance and covariance is a sample one
(divided by s - 1) and is None for fewer than two attempts, as in Moodle. Sums are numpy's
pairwise sums, so 10^5 attempts lose no more to rounding than a handful do.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# A spread smaller than this share of the values' size is rounding noise: a column of equal
# marks can leave deviations of 1e-17 after the mean is subtracted, and dividing by such a
# "variance" would turn noise into a statistic. Such a variance counts as zero.
ZERO_SPREAD = 1e-9

type Values = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Moments:
    attempts: int
    mark_mean: float
    # Sample statistics; None for fewer than two attempts.
    mark_variance: float | None
    rest_variance: float | None
    # cov(m, X): the item against the rest of the test.
    covariance: float | None
    # The largest cov(m, X) that the two sets of values allow: both sorted, paired in order.
    covariance_max: float | None
    # cov(m, T): the item against the whole total, for the effective weight.
    covariance_with_total: float | None

    @property
    def discrimination_index(self) -> float | None:
        """100 x Pearson(m, X); None when either variance is zero or unknown."""
        if not self.mark_variance or not self.rest_variance or self.covariance is None:
            return None
        return 100 * self.covariance / math.sqrt(self.mark_variance * self.rest_variance)

    @property
    def discriminative_efficiency(self) -> float | None:
        """100 x cov(m, X) / the largest covariance possible; None when that is zero."""
        if not self.covariance_max or self.covariance is None:
            return None
        return 100 * self.covariance / self.covariance_max

    @property
    def sd(self) -> float | None:
        return None if self.mark_variance is None else math.sqrt(self.mark_variance)


def deviations(values: Values | Sequence[float]) -> tuple[float, Values, bool]:
    """The mean, each value's deviation from it, and whether the spread is only noise (then
    the deviations are all zero)."""
    array = np.asarray(values, dtype=np.float64)
    mean = float(np.sum(array)) / len(array)
    spread = array - mean
    size = float(np.max(np.abs(array))) if len(array) else 0.0
    flat = bool(np.all(np.abs(spread) <= ZERO_SPREAD * size))
    if flat:
        spread = np.zeros_like(array)
    return mean, spread, flat


def _sample(products: Values, attempts: int) -> float:
    return float(np.sum(products)) / (attempts - 1)


def item_moments(*, marks: Values, rests: Values, totals: Values) -> Moments:
    """Moodle's statistics of one item over the attempts that have it (arrays in attempt order,
    one entry per attempt). Needs at least one attempt."""
    attempts = len(marks)
    mark_mean, mark_dev, _ = deviations(marks)
    _, rest_dev, _ = deviations(rests)
    if attempts < 2:
        return Moments(attempts, mark_mean, None, None, None, None, None)
    _, total_dev, _ = deviations(totals)
    return Moments(
        attempts=attempts,
        mark_mean=mark_mean,
        mark_variance=_sample(mark_dev * mark_dev, attempts),
        rest_variance=_sample(rest_dev * rest_dev, attempts),
        covariance=_sample(mark_dev * rest_dev, attempts),
        covariance_max=_sample(np.sort(mark_dev) * np.sort(rest_dev), attempts),
        # Moodle pairs the mark's deviation with the uncentred total; since the deviations sum
        # to zero that is the same covariance, and the centred total loses less to rounding.
        covariance_with_total=_sample(mark_dev * total_dev, attempts),
    )


def pearson_percent(xs: Values | Sequence[float], ys: Values | Sequence[float]) -> float | None:
    """100 x the sample Pearson correlation of two paired sequences; None when either is
    constant or there are fewer than two pairs."""
    if len(xs) < 2:
        return None
    _, x_dev, x_flat = deviations(xs)
    _, y_dev, y_flat = deviations(ys)
    if x_flat or y_flat:
        return None
    x_var = float(np.sum(x_dev * x_dev))
    y_var = float(np.sum(y_dev * y_dev))
    return 100 * float(np.sum(x_dev * y_dev)) / math.sqrt(x_var * y_var)
