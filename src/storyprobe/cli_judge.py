"""Options and output of ``storyprobe run`` that concern the verdicts themselves: the
classifier mode and its judge, eval-awareness, agreement, tokens and cost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from inspect_ai.log import EvalLog
from rich.console import Console

from storyprobe.classify.judge import CLASSIFIER_MODES

__all__ = ["judge_options", "judge_settings", "print_judging", "read_prices"]


def judge_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--classifier``, ``--judge-model``, ``--judge-timeout``, ``--judge-retries``,
    ``--judge-reasoning`` and ``--prices`` to a command."""
    options = [
        click.option(
            "--classifier",
            type=click.Choice(CLASSIFIER_MODES),
            default="rules",
            show_default=True,
            help="rules (offline); judge; both (disagreement = unsure); judge-unsure (judge "
            "only what the rules leave unsure).",
        ),
        click.option(
            "--judge-model",
            default=None,
            help="Grader for every classifier but rules (Inspect's 'grader' model role).",
        ),
        click.option("--judge-timeout", default=120, show_default=True, help="Seconds per call."),
        click.option("--judge-retries", default=2, show_default=True, help="Retries per call."),
        click.option(
            "--judge-reasoning",
            is_flag=True,
            help="Show the agent's private reasoning to the judge (default: actions only).",
        ),
        click.option(
            "--prices",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="TOML of dollars per million tokens per model, for the cost estimate.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def judge_settings(timeout: int, retries: int, reasoning: bool) -> dict[str, Any]:
    """The scorer arguments for the judge."""
    return {"judge_timeout": timeout, "judge_retries": retries, "judge_reasoning": reasoning}


def read_prices(path: Path | None) -> dict[str, Any] | None:
    """Load ``--prices`` early, so a bad file fails before any model is called."""
    if path is None:
        return None

    from storyprobe.report import PricesError, load_prices

    try:
        return load_prices(path)
    except PricesError as exc:
        raise click.BadParameter(str(exc), param_hint="--prices") from exc


def print_judging(
    console: Console, logs: list[EvalLog], classifier: str, prices: dict[str, Any] | None
) -> None:
    """Print rates by eval-awareness, the judge's share and agreement, and token costs."""
    from storyprobe.report import (
        awareness_cells,
        judge_summaries,
        judge_table,
        results_table,
        usage_rows,
        usage_table,
    )

    cells = awareness_cells(logs)
    if any(not cell.condition.endswith("=unstated") for cell in cells):
        console.print(results_table(cells, title="Rates by eval-awareness (stated by the agent)"))
    else:
        console.print("Eval-awareness: no sample said whether it thought it was a test or real.")

    if classifier != "rules":
        console.print(judge_table(judge_summaries(logs)))
    console.print(usage_table(usage_rows(logs, prices)))
