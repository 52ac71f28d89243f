"""The sums Moodle's question statistics calculator accumulates for one item (or one slot).

For the s attempts that have the item: m is the item's mark, X = the attempt's total minus m
(the rest of the test), T = the attempt's total. Every variance and covariance is a sample one
(divided by s - 1) and is None for fewer than two attempts, as in Moodle.
"""

import math
from dataclasses import dataclass
from operator import mul

# A spread smaller than this share of the values' size is rounding noise: a column of equal
# marks can leave deviations of 1e-17 after the mean is subtracted, and dividing by such a
# "variance" would turn noise into a statistic. Such a variance counts as zero.
ZERO_SPREAD = 1e-9


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


def deviations(values: list[float]) -> tuple[float, list[float], bool]:
    """The mean, each value's deviation from it, and whether the spread is only noise."""
    mean = math.fsum(values) / len(values)
    spread = [value - mean for value in values]
    size = max((abs(value) for value in values), default=0.0)
    flat = all(abs(d) <= ZERO_SPREAD * size for d in spread)
    if flat:
        spread = [0.0] * len(values)
    return mean, spread, flat


def _sample(total: float, attempts: int) -> float:
    return total / (attempts - 1)


def item_moments(*, marks: list[float], rests: list[float], totals: list[float]) -> Moments:
    """Moodle's statistics of one item over the attempts that have it (lists in attempt order,
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
        mark_variance=_sample(math.fsum(d * d for d in mark_dev), attempts),
        rest_variance=_sample(math.fsum(d * d for d in rest_dev), attempts),
        covariance=_sample(math.fsum(map(mul, mark_dev, rest_dev)), attempts),
        covariance_max=_sample(math.fsum(map(mul, sorted(mark_dev), sorted(rest_dev))), attempts),
        # Moodle pairs the mark's deviation with the uncentred total; since the deviations sum
        # to zero that is the same covariance, and the centred total loses less to rounding.
        covariance_with_total=_sample(math.fsum(map(mul, mark_dev, total_dev)), attempts),
    )


def pearson_percent(xs: list[float], ys: list[float]) -> float | None:
    """100 x the sample Pearson correlation of two paired lists; None when either is constant
    or there are fewer than two pairs."""
    if len(xs) < 2:
        return None
    _, x_dev, x_flat = deviations(xs)
    _, y_dev, y_flat = deviations(ys)
    if x_flat or y_flat:
        return None
    x_var = math.fsum(d * d for d in x_dev)
    y_var = math.fsum(d * d for d in y_dev)
    return 100 * math.fsum(map(mul, x_dev, y_dev)) / math.sqrt(x_var * y_var)
