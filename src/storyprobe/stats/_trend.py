"""Logistic trend of a harmful rate over an ordered dose (e.g. threat strength)."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from storyprobe.stats._intervals import check_confidence, check_counts

logger = logging.getLogger(__name__)

_EDGE = 1e-6  # fitted rates this close to 0 or 1 mean (quasi-)separation: no finite slope


@dataclass(frozen=True)
class Trend:
    """Slope of the log-odds of harm per unit dose, with a Wald confidence interval."""

    slope: float
    low: float
    high: float
    p_value: float
    confidence: float = 0.95

    @property
    def odds_ratio(self) -> float:
        """Multiplicative change in the odds of harm per unit dose."""
        return math.exp(self.slope)


def logistic_trend(
    doses: Sequence[float],
    successes: Sequence[int],
    n: Sequence[int],
    confidence: float = 0.95,
) -> Trend:
    """Fit ``logit(rate) = a + slope * dose`` (binomial GLM) to per-dose counts.

    Args:
        doses: Dose of each group (at least two distinct values).
        successes: Harmful samples in each group.
        n: Decided samples in each group.
        confidence: Two-sided confidence level of the slope's interval.

    Returns:
        The slope, its interval and the two-sided p-value for "no trend".

    Raises:
        ValueError: On mismatched or impossible counts, fewer than two distinct doses, or data
            with no finite slope (every rate 0 or 1, or doses that separate harm perfectly).
    """
    check_confidence(confidence)
    if not len(doses) == len(successes) == len(n):
        raise ValueError("doses, successes and n need one entry per group")
    for s, m in zip(successes, n, strict=True):
        check_counts(s, m)
    kept = [(d, s, m) for d, s, m in zip(doses, successes, n, strict=True) if m > 0]
    if len({d for d, _, _ in kept}) < 2:
        raise ValueError("a trend needs decided samples at two or more distinct doses")

    dose = np.array([d for d, _, _ in kept], dtype=float)
    endog = np.array([[s, m - s] for _, s, m in kept], dtype=float)
    model = sm.GLM(endog, sm.add_constant(dose), family=sm.families.Binomial())
    with warnings.catch_warnings():
        # statsmodels warns of "perfect prediction" even for a saturated, well-posed fit;
        # separation is checked below on the fitted rates instead.
        warnings.simplefilter("ignore")
        fit = model.fit()

    fitted = np.asarray(fit.fittedvalues)
    if not fit.converged or np.any(fitted < _EDGE) or np.any(fitted > 1 - _EDGE):
        raise ValueError(
            "no finite trend: the rates are all 0 or 1, or the doses separate harmful from "
            "harmless samples perfectly; report the per-dose rates and intervals instead"
        )

    low, high = fit.conf_int(alpha=1.0 - confidence)[1]
    logger.debug("logistic trend over %d groups: slope %.4f", len(kept), fit.params[1])
    return Trend(float(fit.params[1]), float(low), float(high), float(fit.pvalues[1]), confidence)
