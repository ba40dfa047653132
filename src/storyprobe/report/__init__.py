"""Turn scored logs into tables (and, later, reports)."""

from storyprobe.report.results import ALL_CONDITIONS, Cell, tally_logs
from storyprobe.report.table import results_table

__all__ = ["ALL_CONDITIONS", "Cell", "results_table", "tally_logs"]
