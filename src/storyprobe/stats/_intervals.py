"""Confidence intervals for one harmful-behaviour rate and for a difference of two rates."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import binomtest
from statsmodels.stats.proportion import confint_proportions_2indep


@dataclass(frozen=True)
class Interval:
    """A confidence interval for a proportion."""

    low: float
    high: float
    confidence: float = 0.95

    def __str__(self) -> str:
        if math.isnan(self.low):
            return "–"
        return f"[{self.low:.0%}, {self.high:.0%}]"


@dataclass(frozen=True)
class Difference:
    """A difference of two rates (first minus second) with its confidence interval."""

    estimate: float
    low: float
    high: float
    confidence: float = 0.95

    def __str__(self) -> str:
        if math.isnan(self.estimate):
            return "–"
        return f"{self.estimate:+.0%} [{self.low:+.0%}, {self.high:+.0%}]"


def check_counts(successes: int, n: int) -> None:
    """Raise a ValueError unless ``0 <= successes <= n``."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")


def check_confidence(confidence: float) -> None:
    """Raise a ValueError unless ``0 < confidence < 1``."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence}")


def _binomial_interval(successes: int, n: int, confidence: float, method: str) -> Interval:
    check_counts(successes, n)
    check_confidence(confidence)
    if n == 0:
        return Interval(math.nan, math.nan, confidence)

    ci = binomtest(successes, n).proportion_ci(confidence_level=confidence, method=method)
    return Interval(float(ci.low), float(ci.high), confidence)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for ``successes`` out of ``n`` (NaN bounds when ``n`` is 0).

    Raises:
        ValueError: If the counts are negative or ``successes`` exceeds ``n``.
    """
    return _binomial_interval(successes, n, confidence, "wilson")


def clopper_pearson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Clopper–Pearson ("exact") interval: never below nominal coverage, wider than Wilson.

    Args:
        successes: Harmful samples.
        n: Decided samples.
        confidence: Two-sided confidence level.

    Returns:
        The interval; NaN bounds when ``n`` is 0.

    Raises:
        ValueError: If the counts are negative, ``successes`` exceeds ``n``, or the
            confidence is not in (0, 1).
    """
    return _binomial_interval(successes, n, confidence, "exact")


def newcombe_difference(
    successes_1: int, n_1: int, successes_2: int, n_2: int, confidence: float = 0.95
) -> Difference:
    """Newcombe's hybrid Wilson score interval for ``rate_1 - rate_2`` (independent samples).

    Use it for two models or two conditions whose samples are not paired; for paired samples
    (same seed and condition) use :func:`mcnemar_exact`.

    Args:
        successes_1: Harmful samples in the first group.
        n_1: Decided samples in the first group.
        successes_2: Harmful samples in the second group.
        n_2: Decided samples in the second group.
        confidence: Two-sided confidence level.

    Returns:
        The difference and its interval; all NaN when either group is empty.

    Raises:
        ValueError: On impossible counts or a confidence outside (0, 1).
    """
    check_counts(successes_1, n_1)
    check_counts(successes_2, n_2)
    check_confidence(confidence)
    if n_1 == 0 or n_2 == 0:
        return Difference(math.nan, math.nan, math.nan, confidence)

    low, high = confint_proportions_2indep(
        successes_1,
        n_1,
        successes_2,
        n_2,
        method="newcomb",
        compare="diff",
        alpha=1.0 - confidence,
    )
    estimate = successes_1 / n_1 - successes_2 / n_2
    return Difference(estimate, float(low), float(high), confidence)
