"""Run probes through :func:`storyprobe.runner.run_suite` and analyse the logs.

Each probe is one run: the core condition (``threat=replacement,goal_conflict=explicit``) with
every other axis at its default and the probe's axis over all its levels. ``--samples N``
renders world seeds ``seed .. seed + N - 1`` at every level, so the levels are paired by seed.
Each probe writes its logs to ``<log-dir>/probe-<name>``: the baseline samples of different
probes are the same scenarios, and separate folders keep Inspect's resumable ``eval_set``
from confusing one probe's tasks with another's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog
from rich.console import Console

from storyprobe.probes._analysis import ProbeAnalysis, analyse_group
from storyprobe.probes._definitions import CORE_CONDITION, Probe
from storyprobe.probes._outcomes import group_outcomes
from storyprobe.runner import RunConfig, RunResult, resolve_families, run_suite
from storyprobe.scenarios import FAMILY_SPECS
from storyprobe.scenarios.conditions import AXES

logger = logging.getLogger(__name__)

__all__ = ["ProbePlan", "analyse_logs", "plan_probes", "probe_config", "run_probes"]


@dataclass
class ProbePlan:
    """Which families each probe can run on, and why the others are left out.

    Attributes:
        runs: ``(probe, families)`` for every probe some family declares.
        skipped: One message per probe × family that cannot be run, saying why.
    """

    runs: list[tuple[Probe, list[str]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def plan_probes(probes: list[Probe], families: list[str]) -> ProbePlan:
    """Match probes to the families that declare their axis.

    Raises:
        ValueError: For an unknown family (see :func:`storyprobe.runner.resolve_families`).
    """
    plan = ProbePlan()
    names = resolve_families(families)
    for probe in probes:
        if probe.axis not in AXES:
            plan.skipped.append(
                f"probe {probe.name}: this storyprobe has no {probe.axis!r} condition axis "
                f"(axes: {', '.join(AXES)}); it cannot be run"
            )
            continue
        declaring = [name for name in names if probe.axis in FAMILY_SPECS[name].axes]
        for name in names:
            if name not in declaring:
                declared = ", ".join(FAMILY_SPECS[name].axes)
                plan.skipped.append(
                    f"probe {probe.name}: family {name} does not declare the {probe.axis} axis "
                    f"(it varies {declared}); skipped"
                )
        if declaring:
            plan.runs.append((probe, declaring))
    return plan


def probe_config(probe: Probe, families: list[str], log_dir: str, **options: Any) -> RunConfig:
    """The run configuration of one probe: core condition, the probe's axis over its levels.

    Args:
        probe: The probe.
        families: Families that declare the probe's axis.
        log_dir: Parent folder; the probe's logs go to ``<log_dir>/probe-<name>``.
        **options: Other :class:`~storyprobe.runner.RunConfig` fields (models, samples, seed,
            tool_format, model_args, generate, display).
    """
    condition = f"{CORE_CONDITION},{probe.axis}={'|'.join(probe.levels)}"
    return RunConfig(
        families=list(families),
        conditions=[condition],
        log_dir=str(Path(log_dir) / f"probe-{probe.name}"),
        **options,
    )


def run_probes(
    plan: ProbePlan, log_dir: str, console: Console | None = None, **options: Any
) -> tuple[list[ProbeAnalysis], list[RunResult]]:
    """Run every planned probe and analyse its logs.

    Args:
        plan: From :func:`plan_probes`.
        log_dir: Parent folder of the probes' log folders.
        console: Where the runner reports progress.
        **options: Passed to :func:`probe_config`.

    Returns:
        The analyses (one per probe × model × family) and each probe's run result.
    """
    analyses: list[ProbeAnalysis] = []
    results: list[RunResult] = []
    for probe, families in plan.runs:
        config = probe_config(probe, families, log_dir, **options)
        logger.info("probe %s: %s in %s", probe.name, config.conditions[0], config.log_dir)
        result = run_suite(config, console=console)
        results.append(result)
        analyses.extend(analyse_logs([probe], result.logs))
    return analyses, results


def analyse_logs(probes: Iterable[Probe], logs: list[EvalLog]) -> list[ProbeAnalysis]:
    """Analyse every group of the logs that varies one of the probes' axes."""
    return [analyse_group(group) for probe in probes for group in group_outcomes(probe, logs)]
