"""Sample-size planning for a release gate (exact binomial sums) and for a comparison."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import binom
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize

logger = logging.getLogger(__name__)

GateMethod = Literal["wilson", "clopper-pearson"]
_STATSMODELS_METHOD = {"wilson": "wilson", "clopper-pearson": "beta"}


@dataclass(frozen=True)
class GatePlan:
    """How many samples a fixed-n gate needs.

    Attributes:
        n: Samples needed: the power stays at or above the wanted power from here on.
        first_n: Smallest n whose power reaches the wanted power (it may dip again after).
        max_harmful: The gate passes with at most this many harmful samples out of ``n``.
        power: Probability of passing at ``true_rate`` with ``n`` samples (exact).
        error: Probability of passing a model whose rate equals the threshold, at ``n``
            (exact): at most ``alpha`` for Clopper–Pearson, close to it for Wilson.
        confidence: Two-sided confidence level whose upper bound the gate compares with the
            threshold (``1 - 2 * alpha``: its upper bound is a one-sided ``1 - alpha`` bound).
    """

    threshold: float
    true_rate: float
    alpha: float
    method: GateMethod
    n: int
    first_n: int
    max_harmful: int
    power: float
    error: float
    confidence: float


def _max_passing(ns: np.ndarray, threshold: float, alpha: float, method: str) -> np.ndarray:
    """Largest harmful count whose upper bound is below the threshold, per n (-1: none)."""
    lo = np.full(ns.shape, -1, dtype=np.int64)
    hi = np.ceil(ns * threshold).astype(np.int64)  # upper bound >= k/n >= threshold: fails
    active = hi - lo > 1
    while np.any(active):
        mid = (lo + hi) // 2
        # inactive entries can hold mid = -1; their result is discarded
        upper = proportion_confint(np.maximum(mid, 0), ns, alpha=2 * alpha, method=method)[1]
        passes = upper < threshold
        lo = np.where(active & passes, mid, lo)
        hi = np.where(active & ~passes, mid, hi)
        active = hi - lo > 1
    return lo


def plan_gate(
    threshold: float,
    true_rate: float | None = None,
    power: float = 0.8,
    alpha: float = 0.05,
    method: GateMethod = "wilson",
    max_n: int = 1_000_000,
) -> GatePlan:
    """Samples a fixed-n gate needs to pass a model whose true rate is ``true_rate``.

    The gate passes when the interval's upper bound is below ``threshold``; the bound is
    one-sided at level ``1 - alpha``, so a model whose rate equals the threshold passes with
    probability at most ``alpha`` (Clopper–Pearson) or close to it (Wilson; see ``error``).
    Power is computed exactly by binomial sums. Because it saw-tooths in n, the answer is the
    smallest n from which the power stays at or above ``power`` (checked up to twice that n),
    not the first n that touches it.

    Args:
        threshold: Highest acceptable harmful rate.
        true_rate: Rate the model is assumed to have; defaults to half the threshold.
        power: Wanted probability of passing such a model.
        alpha: Wanted probability of passing a model whose rate equals the threshold.
        method: ``wilson`` or ``clopper-pearson`` upper bound.
        max_n: Give up above this many samples.

    Returns:
        The plan.

    Raises:
        ValueError: On out-of-range arguments, or when more than ``max_n`` samples are needed.
    """
    true_rate = threshold / 2 if true_rate is None else true_rate
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), e.g. 0.05; got {threshold}")
    if not 0.0 <= true_rate < threshold:
        raise ValueError(f"true rate must be in [0, threshold={threshold}); got {true_rate}")
    if not 0.0 < power < 1.0 or not 0.0 < alpha < 0.5:
        raise ValueError(f"need 0 < power < 1 and 0 < alpha < 0.5; got {power}, {alpha}")
    if method not in _STATSMODELS_METHOD:
        raise ValueError(f"unknown method {method!r}; use 'wilson' or 'clopper-pearson'")

    sm_method = _STATSMODELS_METHOD[method]
    ns = np.arange(1, 1025, dtype=np.int64)
    powers = np.empty(0)
    kmax = np.empty(0, dtype=np.int64)
    while True:
        new = ns[len(powers) :]
        new_kmax = _max_passing(new, threshold, alpha, sm_method)
        kmax = np.concatenate([kmax, new_kmax])
        powers = np.concatenate([powers, binom.cdf(new_kmax, new, true_rate)])
        hits = np.flatnonzero(powers >= power)
        if len(hits) and len(ns) >= 2 * (hits[0] + 1):
            break
        if len(ns) >= max_n:
            raise ValueError(
                f"more than {max_n} samples needed: the true rate {true_rate} is too close to "
                f"the threshold {threshold}; lower --true-rate or the power"
            )
        ns = np.arange(1, min(4 * len(ns), max_n) + 1, dtype=np.int64)

    short = np.flatnonzero(powers < power)
    index = int(short[-1]) + 1 if len(short) else 0
    return GatePlan(
        threshold,
        true_rate,
        alpha,
        method,
        int(ns[index]),
        int(hits[0] + 1),
        int(kmax[index]),
        float(powers[index]),
        float(binom.cdf(kmax[index], ns[index], threshold)),
        1.0 - 2.0 * alpha,
    )


def plan_difference(
    p1: float,
    p2: float,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: Literal["two-sided", "larger"] = "two-sided",
) -> int:
    """Samples per arm to detect rates ``p1`` vs ``p2`` (normal approximation, Cohen's h).

    Args:
        p1: Rate in the first arm.
        p2: Rate in the second arm.
        power: Wanted probability of a significant result.
        alpha: Significance level.
        alternative: ``two-sided``, or ``larger`` for a one-sided test that ``p1 > p2``.

    Returns:
        Samples needed in each arm (equal arms), rounded up.

    Raises:
        ValueError: On rates outside [0, 1], equal rates, or out-of-range power or alpha.
    """
    if not (0.0 <= p1 <= 1.0 and 0.0 <= p2 <= 1.0):
        raise ValueError(f"rates must be in [0, 1]; got {p1}, {p2}")
    if p1 == p2:
        raise ValueError("the rates are equal: no sample size detects a zero difference")
    if alternative == "larger" and p1 < p2:
        raise ValueError("a one-sided 'larger' plan needs p1 > p2; swap them")
    if not 0.0 < power < 1.0 or not 0.0 < alpha < 1.0:
        raise ValueError(f"need 0 < power < 1 and 0 < alpha < 1; got {power}, {alpha}")

    # TODO: the exact tests used on results (Fisher, Newcombe) need a few more samples than
    # this normal approximation when the rates are near 0; an exact planner would fix that.
    effect = abs(float(proportion_effectsize(p1, p2)))
    n = NormalIndPower().solve_power(
        effect_size=effect, alpha=alpha, power=power, ratio=1.0, alternative=alternative
    )
    return math.ceil(float(n))
