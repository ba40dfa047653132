"""A self-contained HTML report of scored storyprobe runs (no network, no scripts)."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from storyprobe import __version__
from storyprobe.report._dedupe import unique_samples
from storyprobe.report._judging_view import build_judging_views
from storyprobe.report._logs import LoadedLogs, ReportError, collect_log_files, load_logs
from storyprobe.report._view import ERRORS_PER_CELL, build_view
from storyprobe.report.prices import ModelPrice
from storyprobe.report.probes import probe_sections
from storyprobe.stats import Interval

logger = logging.getLogger(__name__)

__all__ = ["ReportError", "collect_log_files", "render_report", "write_report"]

TEMPLATE_DIR = Path(__file__).parent / "templates"


def write_report(
    log_paths: list[str],
    out: Path,
    audit_dir: Path | None = None,
    *,
    prices: dict[str, ModelPrice] | None = None,
) -> Path:
    """Write the HTML report of the logs to ``out`` and return its path.

    Args:
        log_paths: ``.eval`` files and directories (every ``.eval`` inside is read).
        out: The HTML file to write; its folder is created if needed.
        audit_dir: Corpus-audit output to show beside the rates (not available yet).
        prices: Dollars per million tokens per model (see :func:`load_prices`), for the
            cost estimate; without them the report shows tokens only.

    Raises:
        ReportError: For ``audit_dir``, a missing path, no logs, or an unreadable log.
    """
    if audit_dir is not None:
        # TODO: show corpus prevalence per behaviour once the corpus audit exists.
        raise ReportError(
            f"--audit {audit_dir}: corpus prevalence is not available yet (this version of "
            "storyprobe has no corpus audit); run the report without --audit"
        )

    html = render_report(log_paths, prices=prices)

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    logger.info("report written to %s", out)
    return out


def render_report(log_paths: list[str], *, prices: dict[str, ModelPrice] | None = None) -> str:
    """The report page as a string (see :func:`write_report`)."""
    loaded = load_logs(collect_log_files(list(log_paths)))
    read = [log for _, log in loaded.logs]

    unique = unique_samples(read)
    counted = LoadedLogs(
        [(path, log) for (path, _), log in zip(loaded.logs, unique.logs, strict=True)],
        loaded.superseded,
    )
    view = build_view(counted)
    awareness, judge, cost = build_judging_views(unique.logs, read, prices)
    duplicates = [
        (loaded.logs[index][0], dropped) for index, dropped in unique.dropped_by_log.items()
    ]

    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            view=view,
            duplicates=duplicates,
            awareness=awareness,
            judge=judge,
            cost=cost,
            probes=probe_sections(read),  # probe analysis pairs the baseline per probe itself
            errors_shown=ERRORS_PER_CELL,
            version=__version__,
            created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )


@cache
def _environment() -> Environment:
    """Jinja2 with autoescaping on: every value from a log is escaped."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pct"] = _percent
    environment.filters["interval"] = _interval
    environment.filters["shade"] = _shade
    environment.filters["kappa"] = _kappa
    environment.filters["share"] = _share
    return environment


def _percent(rate: float) -> str:
    return "–" if math.isnan(rate) else f"{rate:.0%}"


def _interval(interval: Interval) -> str:
    return str(interval)


def _shade(rate: float) -> str:
    """Opacity of a cell's background: its rate, faint when undecided."""
    return "0" if math.isnan(rate) else f"{0.04 + 0.6 * rate:.2f}"


def _kappa(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.2f}"


def _share(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` (blank when there is no whole)."""
    return f"{part / whole:.0%}" if whole else "–"
