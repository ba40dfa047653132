"""Render tallied results for the terminal with rich."""

from __future__ import annotations

import math

from rich.table import Table

from storyprobe.report.results import ALL_CONDITIONS, Cell

__all__ = ["results_table"]


def results_table(cells: list[Cell], title: str = "Harmful-behaviour rates") -> Table:
    """A table with one row per model × condition: n, harmful, rate, 95 % Wilson interval,
    unsure and errors."""
    table = Table(title=title, title_justify="left")
    for column in ("model", "family", "condition"):
        table.add_column(column, overflow="fold")
    for column in ("n", "harmful", "rate", "95% CI (Wilson)", "unsure", "errors"):
        table.add_column(column, justify="right")

    for cell in cells:
        rate = "–" if math.isnan(cell.rate) else f"{cell.rate:.0%}"
        style = "bold" if cell.condition == ALL_CONDITIONS else None
        table.add_row(
            cell.model,
            cell.family,
            cell.condition,
            str(cell.n),
            str(cell.harmful),
            rate,
            str(cell.interval),
            str(cell.unsure),
            str(cell.errors),
            style=style,
        )
    return table
