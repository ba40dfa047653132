"""``storyprobe report``: one self-contained HTML report from scored Inspect logs.

LOGS are log files or folders of them; ``--prices`` (TOML, dollars per million tokens per
model) adds a cost estimate. Register with ``main.add_command(report)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from storyprobe._cli_common import console

__all__ = ["report"]


@click.command()
@click.argument("logs", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default="report.html",
    show_default=True,
)
@click.option(
    "--audit",
    "audit_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Corpus-audit output to show beside the rates (not available yet).",
)
@click.option(
    "--prices",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="TOML of dollars per million tokens per model, for the cost estimate.",
)
def report(logs: tuple[str, ...], out: Path, audit_dir: Path | None, prices: Path | None) -> None:
    """Write one self-contained HTML report from scored logs (files or folders)."""
    from storyprobe.cli_judge import read_prices
    from storyprobe.report import ReportError, write_report

    price_table = read_prices(prices)
    try:
        path = write_report(list(logs), out, audit_dir, prices=price_table)
    except ReportError as exc:
        raise click.UsageError(str(exc)) from exc
    console.print(f"Report written to {path}")
