"""Turn scored logs into tables and a self-contained HTML report."""

from storyprobe.report.html import ReportError, write_report
from storyprobe.report.results import ALL_CONDITIONS, Cell, tally_logs
from storyprobe.report.table import results_table

__all__ = ["ALL_CONDITIONS", "Cell", "ReportError", "results_table", "tally_logs", "write_report"]
