"""Per-sample outcomes of scored logs, grouped into the levels of a probe.

Each sample becomes an :class:`Outcome` — harmful, harmless, unsure or error — counted by
the very function :func:`storyprobe.report.results.tally_logs` uses (a sample that failed,
was not run or was not scored is an error; neither errors nor unsure samples are ever
counted as harmless).
A :class:`ProbeGroup` holds one model × family × "rest of the condition" (every axis but the
probe's), with a :class:`~storyprobe.report.results.Cell` per level and, per level, the
decided outcome of each world seed so that levels can be compared pair by pair.

Only logs that vary the probe's axis (some sample at a non-baseline level) count toward it:
another probe's log holds the same baseline samples and would otherwise count them twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from inspect_ai.log import EvalLog, EvalSample

from storyprobe.probes._definitions import Probe
from storyprobe.report.results import Cell, count_sample
from storyprobe.scenarios.conditions import AXES, Condition

logger = logging.getLogger(__name__)

__all__ = ["Outcome", "ProbeGroup", "group_outcomes", "log_outcomes"]

Status = Literal["harmful", "harmless", "unsure", "error"]


@dataclass(frozen=True)
class Outcome:
    """The verdict of one sample, with where it sits in the grid.

    Attributes:
        model: Inspect model name.
        family: Scenario family.
        axes: The sample's condition, ``{axis: value}`` (axes at their default may be absent).
        seed: World seed (``None`` when the log does not say).
        status: ``harmful``, ``harmless``, ``unsure`` or ``error``.
        message: Why the sample is an error, if it is.
    """

    model: str
    family: str
    axes: dict[str, str]
    seed: int | None
    status: Status
    message: str = ""


@dataclass
class ProbeGroup:
    """One model × family × rest-of-condition: a cell and the paired outcomes per level.

    Attributes:
        probe: The probe.
        model: Inspect model name.
        family: Scenario family.
        condition: The condition without the probe's axis, e.g.
            ``threat=replacement,goal_conflict=explicit``.
        cells: A :class:`Cell` per level present in the logs (its ``condition`` is the level).
        decided: Per level, ``{seed: harmful}`` of the decided samples with a known seed.
        duplicates: Samples dropped because the same seed and condition appeared already.
    """

    probe: Probe
    model: str
    family: str
    condition: str
    cells: dict[str, Cell] = field(default_factory=dict)
    decided: dict[str, dict[int, bool]] = field(default_factory=dict)
    duplicates: int = 0

    def add(self, level: str, outcome: Outcome) -> None:
        """Count one sample at ``level``."""
        cell = self.cells.setdefault(level, Cell(self.model, self.family, level))
        cell.n += 1
        if outcome.status == "harmful":
            cell.harmful += 1
        elif outcome.status == "unsure":
            cell.unsure += 1
        elif outcome.status == "error":
            cell.errors += 1
            cell.error_messages.append(outcome.message)
        if outcome.seed is not None and outcome.status in ("harmful", "harmless"):
            self.decided.setdefault(level, {})[outcome.seed] = outcome.status == "harmful"


def log_outcomes(log: EvalLog) -> list[Outcome]:
    """Every sample the log's task defined, as an outcome (not-run samples are errors)."""
    model = log.eval.model
    family = log.eval.task.split("/")[-1]
    outcomes: list[Outcome] = []
    seen: set[str] = set()

    for sample in log.samples or []:
        seen.add(str(sample.id))
        metadata = sample.metadata or {}
        axes = _axes(str(metadata.get("condition", ""))) | {
            key: str(metadata[key]) for key in AXES if key in metadata
        }
        seed = metadata.get("seed")
        status, message = _status(sample)
        outcomes.append(Outcome(model, family, axes, _int(seed), status, message))

    for sample_id in log.eval.dataset.sample_ids or []:
        if str(sample_id) not in seen:
            label, seed = _from_id(str(sample_id))
            message = f"{sample_id}: not run (status {log.status})"
            outcomes.append(Outcome(model, family, _axes(label), seed, "error", message))
    return outcomes


def group_outcomes(probe: Probe, logs: Iterable[EvalLog]) -> list[ProbeGroup]:
    """Group the outcomes of the logs that vary ``probe``'s axis by model, family and condition.

    Returns:
        Groups sorted by model, family and condition; empty when no log varies the axis.
    """
    groups: dict[tuple[str, str, str], ProbeGroup] = {}
    seen: set[tuple[str, str, str, str, int]] = set()
    for log in logs:
        outcomes = log_outcomes(log)
        levels = [outcome.axes.get(probe.axis, probe.baseline) for outcome in outcomes]
        if all(level == probe.baseline for level in levels):
            continue

        for outcome, level in zip(outcomes, levels, strict=True):
            rest = _label({k: v for k, v in outcome.axes.items() if k != probe.axis})
            key = (outcome.model, outcome.family, rest)
            group = groups.setdefault(key, ProbeGroup(probe, *key))
            if outcome.seed is not None:
                identity = (*key, level, outcome.seed)
                if identity in seen:
                    group.duplicates += 1
                    continue
                seen.add(identity)
            group.add(level, outcome)
    return [groups[key] for key in sorted(groups)]


def _status(sample: EvalSample) -> tuple[Status, str]:
    """The sample's outcome, counted by the rules every rate table uses."""
    cell = Cell("", "", "")
    count_sample(cell, sample)
    if cell.errors:
        return "error", cell.error_messages[0]
    if cell.harmful:
        return "harmful", ""
    return ("unsure", "") if cell.unsure else ("harmless", "")


def _axes(label: str) -> dict[str, str]:
    """``{axis: value}`` from a condition label such as ``threat=none,goal_conflict=none``."""
    return dict(part.split("=", 1) for part in label.split(",") if "=" in part)


def _label(axes: dict[str, str]) -> str:
    """The condition label of the sample's axes (core axes first, as Condition labels are)."""
    known = {axis: axes[axis] for axis in AXES if axis in axes}
    try:
        return Condition(**known).label
    except (TypeError, ValueError):  # a log from another version of storyprobe
        return ",".join(f"{axis}={value}" for axis, value in known.items())


def _from_id(sample_id: str) -> tuple[str, int | None]:
    """Condition label and seed of an id ``family:label:seed=N``."""
    parts = sample_id.split(":")
    if len(parts) < 3:
        return "", None
    seed = parts[-1].removeprefix("seed=")
    return parts[1], _int(seed)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
