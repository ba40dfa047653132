"""Turn scored logs into tables and a self-contained HTML report."""

from storyprobe.report.html import ReportError, write_report
from storyprobe.report.judging import (
    JudgeSummary,
    UsageRow,
    awareness_cells,
    judge_summaries,
    usage_rows,
)
from storyprobe.report.prices import ModelPrice, PricesError, load_prices
from storyprobe.report.results import ALL_CONDITIONS, Cell, tally_logs
from storyprobe.report.table import judge_table, results_table, usage_table

__all__ = [
    "ALL_CONDITIONS",
    "Cell",
    "JudgeSummary",
    "ModelPrice",
    "PricesError",
    "ReportError",
    "UsageRow",
    "awareness_cells",
    "judge_summaries",
    "judge_table",
    "load_prices",
    "results_table",
    "tally_logs",
    "usage_rows",
    "usage_table",
    "write_report",
]
