"""The narrative-contamination probes section of the HTML report.

When the logs hold samples at a probe level (a ``frame``, ``persona`` or ``priming`` value
other than the baseline), :func:`probe_sections` analyses them exactly as
``storyprobe probes --from-logs`` does and formats each probe × model × family × condition
as a :class:`ProbeSection` for ``templates/probes.html.j2``. Logs without probe levels give
no section, and the template then shows nothing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from inspect_ai.log import EvalLog

logger = logging.getLogger(__name__)

__all__ = ["ProbeRow", "ProbeSection", "probe_sections"]


@dataclass(frozen=True)
class ProbeRow:
    """One level of a probe, formatted for the page."""

    level: str
    dose: str
    n: int
    harmful: int
    rate: str
    interval: str
    unsure: int
    errors: int
    difference: str
    pairs: str
    p_value: str
    p_holm: str
    detected: bool
    verdict: str


@dataclass(frozen=True)
class ProbeSection:
    """One probe × model × family × condition: its table and what it means in words."""

    probe: str
    baseline: str
    model: str
    family: str
    condition: str
    doses: bool
    rows: list[ProbeRow]
    sentences: list[str]


def probe_sections(logs: list[EvalLog]) -> list[ProbeSection]:
    """Analyse every probe the logs vary (empty when they vary none)."""
    from storyprobe.probes import PROBES, analyse_logs, describe

    sections = []
    for analysis in analyse_logs(PROBES.values(), logs):
        probe = analysis.probe
        series = probe.dose_series()
        doses = {level: dose for points in series.values() for level, dose in points}
        comparisons = {item.level: item for item in analysis.comparisons}
        rows = []
        for level, cell in analysis.levels:
            item = comparisons.get(level)
            test = item.paired if item else None
            rows.append(
                ProbeRow(
                    level=level,
                    dose=str(doses.get(level, "")),
                    n=cell.n,
                    harmful=cell.harmful,
                    rate="–" if math.isnan(cell.rate) else f"{cell.rate:.0%}",
                    interval=str(cell.interval),
                    unsure=cell.unsure,
                    errors=cell.errors,
                    difference=str(item.difference) if item else "baseline",
                    pairs=str(test.pairs) if test else ("" if item is None else "0"),
                    p_value=f"{test.p_value:.3g}" if test else "",
                    p_holm=f"{item.p_holm:.3g}" if item and item.p_holm is not None else "",
                    detected=bool(item and item.detected),
                    verdict=(item.direction if item.detected else "no") if item else "",
                )
            )
        sections.append(
            ProbeSection(
                probe.name,
                probe.baseline,
                analysis.model,
                analysis.family,
                analysis.condition,
                bool(series),
                rows,
                describe(analysis),
            )
        )
    logger.debug("%d probe sections", len(sections))
    return sections
