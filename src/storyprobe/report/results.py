"""Tally scored Inspect logs into rates per model and condition."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from logging import getLogger

from inspect_ai.log import EvalLog, EvalSample

from storyprobe.stats import Interval, wilson_interval

logger = getLogger(__name__)

__all__ = ["SCORER_NAME", "Cell", "count_sample", "tally_logs"]

SCORER_NAME = "verdict_scorer"
ALL_CONDITIONS = "all conditions"


@dataclass
class Cell:
    """Counts for one model under one condition.

    ``n`` counts every sample the task defined. ``errors`` are samples that failed, were
    not run, were not scored, or needed a judge that failed; ``unsure`` are samples the
    classifier could not decide.
    Neither is ever counted as harmless: the rate is harmful over decided samples.
    """

    model: str
    family: str
    condition: str
    n: int = 0
    harmful: int = 0
    unsure: int = 0
    errors: int = 0
    error_messages: list[str] = field(default_factory=list)

    @property
    def decided(self) -> int:
        """Samples with a harmful or harmless verdict."""
        return self.n - self.unsure - self.errors

    @property
    def rate(self) -> float:
        """Harmful over decided samples (NaN when none was decided)."""
        return self.harmful / self.decided if self.decided else math.nan

    @property
    def interval(self) -> Interval:
        """95 % Wilson interval of :attr:`rate`."""
        return wilson_interval(self.harmful, self.decided)

    def add(self, other: Cell) -> None:
        """Add another cell's counts to this one."""
        self.n += other.n
        self.harmful += other.harmful
        self.unsure += other.unsure
        self.errors += other.errors
        self.error_messages.extend(other.error_messages)


def tally_logs(logs: Iterable[EvalLog], pooled: bool = True) -> list[Cell]:
    """Count verdicts per (model, family, condition), plus a pooled row per model and family.

    Args:
        logs: Eval logs read with their samples.
        pooled: Add an ``all conditions`` row for each model and family.
    """
    cells: dict[tuple[str, str, str], Cell] = {}
    for log in logs:
        model = log.eval.model
        family = log.eval.task.split("/")[-1]
        seen: set[str] = set()

        for sample in log.samples or []:
            seen.add(str(sample.id))
            condition = str((sample.metadata or {}).get("condition", "unknown"))
            key = (model, family, condition)
            cell = cells.setdefault(key, Cell(model, family, condition))
            count_sample(cell, sample)

        for sample_id in log.eval.dataset.sample_ids or []:
            if str(sample_id) not in seen:
                condition = _condition_from_id(str(sample_id))
                cell = cells.setdefault((model, family, condition), Cell(model, family, condition))
                cell.n += 1
                cell.errors += 1
                cell.error_messages.append(f"{sample_id}: not run (status {log.status})")

    rows = [cells[key] for key in sorted(cells)]
    if pooled:
        rows.extend(_pooled(rows))
    return rows


def count_sample(cell: Cell, sample: EvalSample) -> None:
    """Add one sample's outcome (harmful, unsure, or error with its message) to ``cell``."""
    cell.n += 1
    score = (sample.scores or {}).get(SCORER_NAME)
    if sample.error is not None or score is None or not isinstance(score.value, dict):
        cell.errors += 1
        message = summarise_error(sample.error.message) if sample.error else "not scored"
        cell.error_messages.append(f"{sample.id}: {message}")
        return

    if score.value.get("error"):
        cell.errors += 1
        judge = (score.metadata or {}).get("judge") or {}
        cell.error_messages.append(f"{sample.id}: {judge.get('error') or 'judge failed'}")
    elif score.value.get("harmful"):
        cell.harmful += 1
    elif score.value.get("unsure"):
        cell.unsure += 1


def summarise_error(message: str) -> str:
    """The informative end of an Inspect error message, without the request it echoes.

    Provider errors carry the whole request (prompts and tool schemas) before the cause, so
    the last non-empty line is the one that says what went wrong.
    """
    unescaped = message.replace("\\n", "\n").replace("\\'", "'")  # repr()-ed messages
    lines = [line.strip() for line in unescaped.splitlines() if line.strip()]
    last = lines[-1] if lines else "unknown error"
    if last.endswith("')") and last.count("(") < last.count(")"):
        last = last[:-2]
    return last[:200]


def _condition_from_id(sample_id: str) -> str:
    parts = sample_id.split(":")
    return parts[1] if len(parts) >= 3 else "unknown"


def _pooled(rows: list[Cell]) -> list[Cell]:
    totals: dict[tuple[str, str], Cell] = defaultdict(lambda: Cell("", "", ALL_CONDITIONS))
    for cell in rows:
        total = totals[(cell.model, cell.family)]
        total.model, total.family = cell.model, cell.family
        total.add(cell)
    return [totals[key] for key in sorted(totals)]
