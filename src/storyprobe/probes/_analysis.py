"""Statistics of one probe group: rates per level, differences to the baseline, dose trends.

For every level: harmful over decided samples with a 95 % Wilson interval, and the unsure and
errored samples beside it. For every other level, its difference to the baseline level:

- a Newcombe 95 % interval of ``rate(level) - rate(baseline)`` over all decided samples;
- the exact McNemar test on the *pairs* (same world seed, both decided), which is the test
  reported, since the levels render the same worlds; the McNemar p-values of a probe are
  Holm-adjusted together, and a difference is *detected* when its adjusted p is below α.

For the priming probe, each story kind is also a dose series (0, 1, 3 stories) with a logistic
trend. The sample-size plan asks how many samples per level would detect a 10-point change
from the observed baseline rate with 80 % power at α / (number of comparisons), Holm's
strictest step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from storyprobe.probes._definitions import Probe
from storyprobe.probes._outcomes import ProbeGroup
from storyprobe.report.results import Cell
from storyprobe.stats import (
    Difference,
    PairedTest,
    Trend,
    holm,
    logistic_trend,
    mcnemar_exact,
    newcombe_difference,
    plan_difference,
)

logger = logging.getLogger(__name__)

__all__ = ["Comparison", "DoseTrend", "ProbeAnalysis", "SamplePlan", "analyse_group"]

ALPHA = 0.05
EFFECT = 0.10
POWER = 0.8
LEAST_FAVOURABLE = (0.45, 0.55)  # a 10-point difference is hardest to detect around 50 %


@dataclass(frozen=True)
class Comparison:
    """One level against the baseline level.

    Attributes:
        level: The level compared.
        difference: ``rate(level) - rate(baseline)`` with its Newcombe interval (NaN when a
            side has no decided sample).
        paired: Exact McNemar test on the seeds decided at both levels (None without pairs).
        p_holm: The McNemar p-value after Holm's correction over the probe's comparisons.
        detected: Whether ``p_holm`` is below α.
    """

    level: str
    difference: Difference
    paired: PairedTest | None
    p_holm: float | None
    detected: bool

    @property
    def direction(self) -> Literal["increase", "decrease", "none"]:
        """Sign of the paired difference (discordant pairs harmful only at the level or not)."""
        if self.paired is None or self.paired.only_first == self.paired.only_second:
            return "none"
        return "increase" if self.paired.only_first > self.paired.only_second else "decrease"


@dataclass(frozen=True)
class DoseTrend:
    """Logistic trend of one story kind over its doses (``trend`` None: not estimable)."""

    kind: str
    points: tuple[tuple[str, int], ...]
    trend: Trend | None
    reason: str = ""


@dataclass(frozen=True)
class SamplePlan:
    """Samples per level to detect a change of ``effect`` from the baseline rate.

    Attributes:
        baseline_rate: Observed baseline rate (NaN when nothing was decided).
        rates: The two rates planned for (baseline, changed).
        alpha: Significance level of the plan (α over the number of comparisons).
        n: Samples per level (normal approximation, Cohen's h).
        assumption: What was assumed, in words, when the observed rate could not be used.
    """

    baseline_rate: float
    rates: tuple[float, float]
    alpha: float
    n: int
    assumption: str = ""


@dataclass
class ProbeAnalysis:
    """Everything said about one probe × model × family × condition."""

    probe: Probe
    model: str
    family: str
    condition: str
    levels: list[tuple[str, Cell]]
    comparisons: list[Comparison]
    trends: list[DoseTrend]
    plan: SamplePlan
    alpha: float = ALPHA
    missing: list[str] = field(default_factory=list)
    duplicates: int = 0

    @property
    def baseline(self) -> Cell:
        """The baseline level's cell (empty if the logs have none)."""
        cells = dict(self.levels)
        return cells.get(self.probe.baseline, Cell(self.model, self.family, self.probe.baseline))


def analyse_group(group: ProbeGroup, alpha: float = ALPHA) -> ProbeAnalysis:
    """Rates, differences, Holm-adjusted paired tests, dose trends and a plan for a group."""
    probe = group.probe
    order = [level for level in probe.levels if level in group.cells]
    order += sorted(level for level in group.cells if level not in probe.levels)
    levels = [(level, group.cells[level]) for level in order]
    base = group.cells.get(probe.baseline, Cell(group.model, group.family, probe.baseline))

    comparisons = _comparisons(group, base, [lv for lv in order if lv != probe.baseline], alpha)
    trends = [_trend(group, kind, points) for kind, points in probe.dose_series().items()]
    plan = _plan(base, max(len(probe.treatments), 1), alpha)
    return ProbeAnalysis(
        probe=probe,
        model=group.model,
        family=group.family,
        condition=group.condition,
        levels=levels,
        comparisons=comparisons,
        trends=trends,
        plan=plan,
        alpha=alpha,
        missing=[level for level in probe.levels if level not in group.cells],
        duplicates=group.duplicates,
    )


def _comparisons(
    group: ProbeGroup, base: Cell, treatments: list[str], alpha: float
) -> list[Comparison]:
    baseline_seeds = group.decided.get(group.probe.baseline, {})
    differences: list[Difference] = []
    paired: list[PairedTest | None] = []
    for level in treatments:
        cell = group.cells[level]
        differences.append(
            newcombe_difference(cell.harmful, cell.decided, base.harmful, base.decided)
        )
        seeds = group.decided.get(level, {})
        common = sorted(set(seeds) & set(baseline_seeds))
        first = [seeds[seed] for seed in common]
        second = [baseline_seeds[seed] for seed in common]
        paired.append(mcnemar_exact(first, second) if common else None)

    tested = [test for test in paired if test is not None]
    adjusted = iter(zip(*_holm(tested, alpha), strict=True))
    comparisons = []
    for level, difference, test in zip(treatments, differences, paired, strict=True):
        p_holm, reject = next(adjusted) if test is not None else (None, False)
        comparisons.append(Comparison(level, difference, test, p_holm, reject))
    return comparisons


def _holm(tests: list[PairedTest], alpha: float) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    result = holm([test.p_value for test in tests], alpha)
    return result.adjusted, result.reject


def _trend(group: ProbeGroup, kind: str, points: list[tuple[str, int]]) -> DoseTrend:
    # TODO: the doses share seeds; a fit that uses the pairing (GEE or conditional logistic
    # regression) would be tighter than this independent-groups GLM.
    present = [(level, dose) for level, dose in points if level in group.cells]
    cells = [group.cells[level] for level, _ in present]
    try:
        trend = logistic_trend(
            [dose for _, dose in present],
            [cell.harmful for cell in cells],
            [cell.decided for cell in cells],
        )
    except ValueError as exc:
        return DoseTrend(kind, tuple(present), None, str(exc))
    return DoseTrend(kind, tuple(present), trend)


def _plan(base: Cell, comparisons: int, alpha: float) -> SamplePlan:
    level_alpha = alpha / comparisons
    observed = base.rate
    if base.decided == 0:
        rates = LEAST_FAVOURABLE
        assumption = (
            "the baseline has no decided sample, so this assumes the least favourable rates "
            f"({rates[0]:.0%} vs {rates[1]:.0%})"
        )
    elif observed + EFFECT <= 1.0:
        rates = (observed, observed + EFFECT)
        assumption = (
            "the baseline's observed rate is 0 %, so this assumes its true rate is 0 % "
            "(a higher true rate needs more samples)"
            if observed == 0.0
            else ""
        )
    else:
        rates = (observed, observed - EFFECT)
        assumption = f"a baseline of {observed:.0%} leaves no room for a 10-point increase"

    n = plan_difference(rates[1], rates[0], power=POWER, alpha=level_alpha)
    return SamplePlan(observed, rates, level_alpha, n, assumption)
