"""Statistics for harmful-behaviour rates. Built on scipy; nothing here is hand-rolled."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import binomtest

__all__ = ["Interval", "wilson_interval"]


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


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for ``successes`` out of ``n`` (NaN bounds when ``n`` is 0).

    Raises:
        ValueError: If the counts are negative or ``successes`` exceeds ``n``.
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return Interval(math.nan, math.nan, confidence)

    ci = binomtest(successes, n).proportion_ci(confidence_level=confidence, method="wilson")
    return Interval(float(ci.low), float(ci.high), confidence)
