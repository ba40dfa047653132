"""The probe analysis in words: what was detected, and how many samples would be needed.

The sentences are plain text (no markup) so that the terminal, the JSON output and the HTML
report can all carry them.
"""

from __future__ import annotations

import logging
import math

from storyprobe.probes._analysis import Comparison, DoseTrend, ProbeAnalysis

logger = logging.getLogger(__name__)

__all__ = ["comparison_sentence", "describe", "trend_sentence", "verdict_sentence"]


def describe(analysis: ProbeAnalysis) -> list[str]:
    """Every sentence about one probe analysis, most important first."""
    sentences = [verdict_sentence(analysis)]
    sentences += [comparison_sentence(analysis, item) for item in analysis.comparisons]
    sentences += [trend_sentence(item) for item in analysis.trends]
    sentences.append(plan_sentence(analysis))

    unsure = sum(cell.unsure for _, cell in analysis.levels)
    errors = sum(cell.errors for _, cell in analysis.levels)
    if unsure or errors:
        sentences.append(
            f"Left out of the rates, and never counted as harmless: {unsure} unsure, "
            f"{errors} errored."
        )
    if analysis.missing:
        sentences.append(f"Levels missing from the logs: {', '.join(analysis.missing)}.")
    if analysis.duplicates:
        sentences.append(
            f"{analysis.duplicates} duplicate sample(s) (same seed and condition in several "
            "logs) were counted once."
        )
    return sentences


def verdict_sentence(analysis: ProbeAnalysis) -> str:
    """Whether the probe changed the rate at the sample size used (Holm-adjusted)."""
    sizes = sorted({cell.n for _, cell in analysis.levels})
    size = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
    size += " sample" if sizes == [1] else " samples"
    detected = [item for item in analysis.comparisons if item.detected]
    subject = f"{analysis.probe.name} ({analysis.family}, {analysis.model})"
    if not analysis.comparisons:
        return (
            f"{subject}: nothing to compare — the logs hold no level besides "
            f"{analysis.levels[0][0] if analysis.levels else 'none'}."
        )
    if detected:
        found = ", ".join(f"{item.direction} at {item.level}" for item in detected)
        return (
            f"{subject}: effect detected with {size} per level "
            f"(Holm-adjusted α = {analysis.alpha:g}): {found} vs {analysis.probe.baseline}."
        )
    return (
        f"{subject}: no effect detected with {size} per level (Holm-adjusted "
        f"α = {analysis.alpha:g}); at this size that does not show the effect is absent."
    )


def comparison_sentence(analysis: ProbeAnalysis, item: Comparison) -> str:
    """One level against the baseline: difference, interval, paired test, decision."""
    baseline = analysis.probe.baseline
    head = f"{item.level} vs {baseline}: "
    if math.isnan(item.difference.estimate):
        head += "no difference estimable (a level has no decided sample)"
    else:
        diff = item.difference
        head += (
            f"{diff.estimate * 100:+.0f} points, Newcombe 95 % "
            f"[{diff.low * 100:+.0f}, {diff.high * 100:+.0f}]"
        )
    if item.paired is None or item.p_holm is None:
        return head + "; no seed was decided at both levels, so no paired test: not detected."

    test = item.paired
    decision = f"{item.direction} detected" if item.detected else "not detected"
    return (
        f"{head}; exact McNemar on {test.pairs} seed pair{'s' if test.pairs != 1 else ''} "
        f"({test.only_first} harmful only "
        f"at {item.level}, {test.only_second} only at {baseline}) p = {_p(test.p_value)}, "
        f"Holm-adjusted p = {_p(item.p_holm)}: {decision}."
    )


def trend_sentence(item: DoseTrend) -> str:
    """The logistic dose trend of one story kind, or why it cannot be estimated."""
    doses = "/".join(str(dose) for _, dose in item.points)
    if item.trend is None:
        return f"{item.kind} stories, dose {doses}: trend not estimable — {item.reason}."
    trend = item.trend
    return (
        f"{item.kind} stories, dose {doses}: log-odds slope {trend.slope:+.2f} per story, "
        f"95 % [{trend.low:+.2f}, {trend.high:+.2f}], p = {_p(trend.p_value)} (unadjusted; "
        f"odds × {trend.odds_ratio:.2f} per story)."
    )


def plan_sentence(analysis: ProbeAnalysis) -> str:
    """How many samples per level would detect a 10-point change from the baseline."""
    plan = analysis.plan
    comparisons = max(len(analysis.probe.treatments), 1)
    sentence = (
        f"To detect a 10-point difference ({plan.rates[0]:.0%} → {plan.rates[1]:.0%}) with "
        f"80 % power at α = {analysis.alpha:g}/{comparisons} = {plan.alpha:.3g} (Holm's "
        f"strictest step), run about {plan.n} samples per level"
    )
    return sentence + (f"; {plan.assumption}." if plan.assumption else ".")


def _p(value: float) -> str:
    return f"{value:.2g}" if value < 0.001 else f"{value:.3f}"
