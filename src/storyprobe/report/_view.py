"""Arrange tallied cells, log paths and evidence into what the report template shows."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ai.log import EvalLog

from storyprobe.behaviours import all_behaviours
from storyprobe.report._evidence import Example, harmful_example
from storyprobe.report._logs import LoadedLogs
from storyprobe.report._svg import PALETTE, Plot, rate_plot
from storyprobe.report.results import ALL_CONDITIONS, Cell, tally_logs
from storyprobe.scenarios import FAMILY_SPECS

logger = logging.getLogger(__name__)

__all__ = ["ReportView", "build_view"]

EXAMPLES_PER_CELL = 3
ERRORS_PER_CELL = 5


@dataclass(frozen=True)
class Column:
    """A family of the cross-model table and the behaviour it measures."""

    family: str
    behaviour: str
    behaviour_name: str


@dataclass
class CellView:
    """One model × family cell: pooled counts, where its logs are, and harmful examples."""

    anchor: str
    cell: Cell
    log_files: list[Path] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)

    @property
    def log_dirs(self) -> list[Path]:
        """Directories to give ``inspect view --log-dir``."""
        return list(dict.fromkeys(file.parent for file in self.log_files))


@dataclass
class FamilyView:
    """The per-condition breakdown of one family."""

    column: Column
    rows: list[Cell]
    plot: Plot


@dataclass
class ReportView:
    """Everything the report template renders."""

    models: list[str]
    colours: dict[str, str]
    columns: list[Column]
    grid: dict[str, dict[str, CellView]]
    families: list[FamilyView]
    log_files: list[Path]
    superseded: list[Path]
    samples: int


def build_view(loaded: LoadedLogs) -> ReportView:
    """Tally the logs and arrange the cells by model, family and condition."""
    logs = [log for _, log in loaded.logs]
    cells = tally_logs(logs)
    models = sorted({cell.model for cell in cells})
    columns = _columns(logs)

    grid: dict[str, dict[str, CellView]] = {model: {} for model in models}
    pooled = [cell for cell in cells if cell.condition == ALL_CONDITIONS]
    for number, cell in enumerate(pooled, start=1):
        grid[cell.model][cell.family] = CellView(f"cell-{number}", cell)

    for path, log in loaded.logs:
        view = grid.get(log.eval.model, {}).get(_family(log))
        if view is None:  # a log with no samples and no sample ids adds no cell
            continue
        view.log_files.append(path)
        for sample in log.samples or []:
            example = harmful_example(sample) if len(view.examples) < EXAMPLES_PER_CELL else None
            if example is not None:
                view.examples.append(example)

    return ReportView(
        models=models,
        colours={model: PALETTE[i % len(PALETTE)] for i, model in enumerate(models)},
        columns=columns,
        grid=grid,
        families=[_family_view(column, cells, models) for column in columns],
        log_files=[path for path, _ in loaded.logs],
        superseded=loaded.superseded,
        samples=sum(cell.n for cell in pooled),
    )


def _family(log: EvalLog) -> str:
    return log.eval.task.split("/")[-1]  # as tally_logs names it


def _columns(logs: list[EvalLog]) -> list[Column]:
    """One column per family, in registry order, then any other task by name."""
    behaviours: dict[str, str] = {}
    for log in logs:
        family = _family(log)
        from_samples = [str((s.metadata or {}).get("behaviour", "")) for s in log.samples or []]
        spec = FAMILY_SPECS.get(family)
        behaviour = next((b for b in from_samples if b), spec.behaviour if spec else "")
        behaviours.setdefault(family, behaviour or "unknown")

    order = {name: index for index, name in enumerate(FAMILY_SPECS)}
    names = all_behaviours()
    return [
        Column(family, behaviour, names[behaviour].name if behaviour in names else behaviour)
        for family, behaviour in sorted(
            behaviours.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    ]


def _family_view(column: Column, cells: list[Cell], models: list[str]) -> FamilyView:
    rows = [c for c in cells if c.family == column.family and c.condition != ALL_CONDITIONS]
    conditions = list(dict.fromkeys(cell.condition for cell in rows))
    by_key = {(cell.condition, cell.model): cell for cell in rows}
    rows.sort(key=lambda cell: (conditions.index(cell.condition), models.index(cell.model)))
    return FamilyView(column, rows, rate_plot(conditions, models, by_key))
