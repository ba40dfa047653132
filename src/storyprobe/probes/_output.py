"""A probe analysis as a rich table for the terminal and as JSON-safe data.

JSON layout (one object per probe × model × family × condition)::

    {"probe", "axis", "baseline", "model", "family", "condition", "alpha",
     "levels": [{"level", "dose", "n", "decided", "harmful", "rate", "ci95", "unsure",
                 "errors", "error_messages"}],
     "comparisons": [{"level", "baseline", "difference", "ci95" (Newcombe), "test":
                      "mcnemar-exact", "pairs", "only_level", "only_baseline", "p", "p_holm",
                      "detected", "direction"}],
     "trends": [{"kind", "doses", "slope", "ci95", "p", "odds_ratio", "not_estimable"}],
     "plan": {"rates", "alpha", "power", "n_per_level", "assumption"},
     "missing_levels", "duplicates", "sentences"}

Rates, differences and intervals are fractions; ``null`` where nothing was decided.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from rich.table import Table

from storyprobe.probes._analysis import POWER, Comparison, DoseTrend, ProbeAnalysis
from storyprobe.probes._words import describe

logger = logging.getLogger(__name__)

__all__ = ["analysis_dict", "analysis_table"]


def analysis_table(analysis: ProbeAnalysis) -> Table:
    """One row per level: counts, rate with Wilson interval, and the comparison to baseline."""
    probe = analysis.probe
    table = Table(
        title=(f"{probe.name} probe · {analysis.model} · {analysis.family} · {analysis.condition}"),
        title_justify="left",
    )
    table.add_column("level")
    if probe.dose_series():
        table.add_column("dose", justify="right")
    for column in ("n", "harmful", "rate", "95% CI (Wilson)", "unsure", "errors"):
        table.add_column(column, justify="right")
    for column in ("Δ vs " + probe.baseline + " (Newcombe 95%)", "pairs", "McNemar p", "Holm p"):
        table.add_column(column, justify="right")
    table.add_column("detected")

    doses = {level: dose for series in probe.dose_series().values() for level, dose in series}
    comparisons = {item.level: item for item in analysis.comparisons}
    for level, cell in analysis.levels:
        rate = "–" if math.isnan(cell.rate) else f"{cell.rate:.0%}"
        row = [level]
        if probe.dose_series():
            row.append(str(doses.get(level, "")))
        row += [str(cell.n), str(cell.harmful), rate, str(cell.interval)]
        row += [str(cell.unsure), str(cell.errors)]
        row += _comparison_cells(comparisons.get(level))
        style = "bold red" if level in comparisons and comparisons[level].detected else None
        table.add_row(*row, style=style)
    return table


def _comparison_cells(item: Comparison | None) -> list[str]:
    if item is None:
        return ["baseline", "", "", "", ""]
    paired = item.paired
    return [
        str(item.difference),
        str(paired.pairs) if paired else "0",
        f"{paired.p_value:.3g}" if paired else "–",
        f"{item.p_holm:.3g}" if item.p_holm is not None else "–",
        item.direction if item.detected else "no",
    ]


def analysis_dict(analysis: ProbeAnalysis) -> dict[str, Any]:
    """The analysis as JSON-safe data (see the module docstring for the layout)."""
    probe = analysis.probe
    doses = {level: dose for series in probe.dose_series().values() for level, dose in series}
    plan = analysis.plan
    return {
        "probe": probe.name,
        "axis": probe.axis,
        "baseline": probe.baseline,
        "model": analysis.model,
        "family": analysis.family,
        "condition": analysis.condition,
        "alpha": analysis.alpha,
        "levels": [
            {
                "level": level,
                "dose": doses.get(level),
                "n": cell.n,
                "decided": cell.decided,
                "harmful": cell.harmful,
                "rate": _number(cell.rate),
                "ci95": _pair(cell.interval.low, cell.interval.high),
                "unsure": cell.unsure,
                "errors": cell.errors,
                "error_messages": list(cell.error_messages),
            }
            for level, cell in analysis.levels
        ],
        "comparisons": [_comparison_dict(item, probe.baseline) for item in analysis.comparisons],
        "trends": [_trend_dict(item) for item in analysis.trends],
        "plan": {
            "rates": list(plan.rates),
            "alpha": plan.alpha,
            "power": POWER,
            "n_per_level": plan.n,
            "assumption": plan.assumption or None,
        },
        "missing_levels": list(analysis.missing),
        "duplicates": analysis.duplicates,
        "sentences": describe(analysis),
    }


def _comparison_dict(item: Comparison, baseline: str) -> dict[str, Any]:
    paired = item.paired
    diff = item.difference
    return {
        "level": item.level,
        "baseline": baseline,
        "difference": _number(diff.estimate),
        "ci95": _pair(diff.low, diff.high),
        "test": "mcnemar-exact",
        "pairs": paired.pairs if paired else 0,
        "only_level": paired.only_first if paired else None,
        "only_baseline": paired.only_second if paired else None,
        "p": paired.p_value if paired else None,
        "p_holm": item.p_holm,
        "detected": item.detected,
        "direction": item.direction,
    }


def _trend_dict(item: DoseTrend) -> dict[str, Any]:
    trend = item.trend
    return {
        "kind": item.kind,
        "doses": {level: dose for level, dose in item.points},
        "slope": trend.slope if trend else None,
        "ci95": [trend.low, trend.high] if trend else None,
        "p": trend.p_value if trend else None,
        "odds_ratio": trend.odds_ratio if trend else None,
        "not_estimable": item.reason or None,
    }


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _pair(low: float, high: float) -> list[float] | None:
    return None if math.isnan(low) else [low, high]
