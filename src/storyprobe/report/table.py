"""Render tallied results for the terminal with rich."""

from __future__ import annotations

import math

from rich.table import Table

from storyprobe.report.judging import JudgeSummary, UsageRow
from storyprobe.report.results import ALL_CONDITIONS, Cell

__all__ = ["judge_table", "results_table", "usage_table"]


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


def judge_table(summaries: list[JudgeSummary]) -> Table:
    """Per model and behaviour: what went to the judge, its errors and tokens, and Cohen's
    kappa between rules and judge with the confusion counts (rules label → judge label)."""
    table = Table(title="Rules and judge", title_justify="left")
    for column in ("model", "behaviour", "classifier"):
        table.add_column(column, overflow="fold")
    for column in ("samples", "sent to judge", "judge errors", "grader tokens", "kappa"):
        table.add_column(column, justify="right")
    table.add_column("rules → judge (pairs)", overflow="fold")

    for summary in summaries:
        agreement = summary.agreement
        share = f" ({summary.judged / summary.samples:.0%})" if summary.samples else ""
        kappa = "–" if math.isnan(agreement.kappa) else f"{agreement.kappa:.2f}"
        pairs = ", ".join(
            f"{a}→{b} {agreement.table[i][j]}"
            for i, a in enumerate(agreement.labels)
            for j, b in enumerate(agreement.labels)
            if agreement.table[i][j]
        )
        table.add_row(
            summary.model,
            summary.behaviour,
            summary.classifier,
            str(summary.samples),
            f"{summary.judged}{share}",
            str(summary.judge_errors),
            f"{summary.input_tokens + summary.output_tokens:,}",
            kappa,
            pairs or "–",
        )
    return table


def usage_table(rows: list[UsageRow]) -> Table:
    """Tokens per model role and the estimated cost where a price was given."""
    table = Table(title="Tokens and estimated cost", title_justify="left")
    table.add_column("role")
    table.add_column("model", overflow="fold")
    for column in ("input", "cached input", "output", "cost (USD)"):
        table.add_column(column, justify="right")

    for row in rows:
        cost = "no price" if row.cost is None else f"{row.cost:.4f}"
        table.add_row(
            row.role,
            row.model,
            f"{row.input_tokens:,}",
            f"{row.cache_read_tokens:,}",
            f"{row.output_tokens:,}",
            cost,
        )
    known = [row.cost for row in rows if row.cost is not None]
    if known:
        table.add_row("total", "", "", "", "", f"{sum(known):.4f}", style="bold")
    return table
