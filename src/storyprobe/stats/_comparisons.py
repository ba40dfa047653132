"""Hypothesis tests: paired (McNemar), regression against a baseline, many comparisons (Holm)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scipy.stats import boschloo_exact, fisher_exact
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

from storyprobe.stats._intervals import check_counts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairedTest:
    """Exact McNemar test on paired outcomes.

    Attributes:
        pairs: Number of pairs compared.
        only_first: Pairs where only the first member was harmful.
        only_second: Pairs where only the second member was harmful.
        p_value: Two-sided exact p-value (binomial test on the discordant pairs).
    """

    pairs: int
    only_first: int
    only_second: int
    p_value: float


@dataclass(frozen=True)
class HolmResult:
    """Holm step-down correction: adjusted p-values and rejections, in the input order."""

    adjusted: tuple[float, ...]
    reject: tuple[bool, ...]
    alpha: float


def mcnemar_exact(first: Sequence[bool], second: Sequence[bool]) -> PairedTest:
    """Exact McNemar test for paired samples (e.g. two models on the same seed and condition).

    Args:
        first: Harmful outcome of each pair's first member.
        second: Harmful outcome of each pair's second member, aligned with ``first``.

    Returns:
        The discordant counts and the two-sided exact p-value (1.0 with no discordant pair).

    Raises:
        ValueError: If the sequences differ in length or are empty.
    """
    if len(first) != len(second):
        raise ValueError(
            f"paired outcomes must align: {len(first)} first vs {len(second)} second; "
            "pair samples by seed and condition and drop unmatched ones first"
        )
    if not first:
        raise ValueError("no pairs to compare: give at least one paired outcome")

    both = sum(1 for a, b in zip(first, second, strict=True) if a and b)
    only_first = sum(1 for a, b in zip(first, second, strict=True) if a and not b)
    only_second = sum(1 for a, b in zip(first, second, strict=True) if b and not a)
    neither = len(first) - both - only_first - only_second
    result = mcnemar([[both, only_first], [only_second, neither]], exact=True)
    return PairedTest(len(first), only_first, only_second, float(result.pvalue))


def holm(p_values: Sequence[float], alpha: float = 0.05) -> HolmResult:
    """Holm correction of many p-values (controls the family-wise error rate at ``alpha``).

    Raises:
        ValueError: If a p-value is outside [0, 1] (or NaN) or ``alpha`` is not in (0, 1).
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), e.g. 0.05; got {alpha}")
    bad = [p for p in p_values if not 0.0 <= p <= 1.0]
    if bad:
        raise ValueError(f"p-values must be in [0, 1]; got {bad}")
    if not p_values:
        return HolmResult((), (), alpha)

    reject, adjusted, _, _ = multipletests(list(p_values), alpha=alpha, method="holm")
    return HolmResult(tuple(float(p) for p in adjusted), tuple(bool(r) for r in reject), alpha)


def increase_p_value(
    successes: int,
    n: int,
    baseline_successes: int,
    baseline_n: int,
    method: Literal["fisher", "boschloo"] = "fisher",
) -> float:
    """One-sided exact p-value for "the rate increased over the baseline".

    Args:
        successes: Harmful samples in the candidate run.
        n: Decided samples in the candidate run.
        baseline_successes: Harmful samples in the baseline run.
        baseline_n: Decided samples in the baseline run.
        method: ``fisher`` (conditional, fast) or ``boschloo`` (unconditional, more powerful).

    Returns:
        The p-value; small values mean the candidate's rate is higher than the baseline's.

    Raises:
        ValueError: On impossible or empty counts, or an unknown method.
    """
    check_counts(successes, n)
    check_counts(baseline_successes, baseline_n)
    if n == 0 or baseline_n == 0:
        raise ValueError(
            f"both runs need decided samples (got n={n}, baseline_n={baseline_n}); "
            "rerun with more samples or drop the regression rule"
        )

    table = [[successes, n - successes], [baseline_successes, baseline_n - baseline_successes]]
    if method == "fisher":
        return float(fisher_exact(table, alternative="greater").pvalue)
    if method == "boschloo":
        # TODO: boschloo_exact takes ~10 s at n=2000 per arm; cache or cap n if gates get slow.
        return float(boschloo_exact(table, alternative="greater").pvalue)
    raise ValueError(f"unknown method {method!r}; use 'fisher' or 'boschloo'")
