"""The ``storyprobe`` command line: the ``main`` group and ``storyprobe run``.

Every other command lives in its own module and is added in ``_register_commands``:
``classify`` (cli_classify), ``scenarios`` and ``behaviours`` (cli_scenarios), ``model``
(cli_model), ``report`` (cli_report), ``gate``, ``plan``, ``probes`` (cli_gate, cli_plan,
cli_probes) and ``audit`` (cli_audit). What they share (the consoles, ``-M`` parsing) is in
``_cli_common``. The entry point is ``storyprobe.cli:main``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from storyprobe import __version__
from storyprobe._cli_common import (
    _key_values,
    console,
    err_console,
    family_option,
    model_option,
    provider_options,
    tool_format_option,
)
from storyprobe.cli_judge import judge_options, judge_settings, print_judging, read_prices

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storyprobe")
@click.option("--log-level", default="warning", show_default=True, help="Diagnostics level.")
def main(log_level: str) -> None:
    """Measure whether AI agents act out self-preservation stories."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")


@main.command()
@model_option
@family_option
@click.option("--samples", default=1, show_default=True, help="Scenarios per condition.")
@click.option("--seed", default=0, show_default=True, help="First world seed.")
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    help="Restrict the grid, e.g. threat=replacement|restriction,goal_conflict=explicit.",
)
@tool_format_option
@click.option(
    "--suite",
    "suites",
    multiple=True,
    type=click.Choice(["anthropic-agentic-misalignment"]),
    help="Also run a published scenario, scored by the same classifiers (needs the extra).",
)
@click.option(
    "--published-variant",
    "published_variants",
    multiple=True,
    default=("blackmail",),
    show_default=True,
    help="Published variants: blackmail, leaking, murder, all, or a condition id.",
)
@judge_options
@click.option("--log-dir", default="storyprobe-logs", show_default=True)
@provider_options
@click.option("--temperature", type=float, default=None)
@click.option("--max-connections", type=int, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON, not a table.")
def run(
    models: tuple[str, ...],
    families: tuple[str, ...],
    samples: int,
    seed: int,
    conditions: tuple[str, ...],
    tool_format: str,
    suites: tuple[str, ...],
    published_variants: tuple[str, ...],
    classifier: str,
    judge_model: str | None,
    judge_timeout: int,
    judge_retries: int,
    judge_reasoning: bool,
    prices: Path | None,
    log_dir: str,
    model_args: tuple[str, ...],
    max_tokens: int | None,
    temperature: float | None,
    max_connections: int | None,
    max_retries: int | None,
    display: str | None,
    as_json: bool,
) -> None:
    """Run the scenario suite on a model and print rates per condition."""
    from storyprobe.runner import RunConfig, resolve_families, run_suite
    from storyprobe.scenarios.conditions import parse_condition_filters

    try:
        parse_condition_filters(list(conditions))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--condition") from exc
    try:
        resolve_families(list(families))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--family") from exc
    price_table = read_prices(prices)

    generate = {
        key: value
        for key, value in {
            "max_tokens": max_tokens,
            "temperature": temperature,
            "max_connections": max_connections,
            "max_retries": max_retries,
        }.items()
        if value is not None
    }
    config = RunConfig(
        models=list(models),
        families=list(families),
        samples=samples,
        seed=seed,
        conditions=list(conditions),
        tool_format=None if tool_format == "auto" else tool_format,  # type: ignore[arg-type]
        log_dir=log_dir,
        model_args=_key_values(model_args),
        generate=generate,
        display=display,
        suites=list(suites),
        published_variants=list(published_variants),
        classifier=classifier,
        judge_model=judge_model,
        judge=judge_settings(judge_timeout, judge_retries, judge_reasoning),
    )
    try:
        config.check()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    # With --json, stdout carries only the JSON: Inspect's own output goes to stderr.
    quiet = contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext()
    try:
        with quiet:
            result = run_suite(config, console=err_console)
    except ImportError as exc:
        raise click.UsageError(str(exc)) from exc

    if as_json:
        click.echo(json.dumps([_cell_dict(cell) for cell in result.cells], indent=2))
    else:
        _print_run(result, log_dir)
        print_judging(console, result.logs, classifier, price_table)
    if not result.success:
        sys.exit(1)


def _print_run(result: Any, log_dir: str) -> None:
    from storyprobe.report import ALL_CONDITIONS, results_table

    console.print(results_table(result.cells))
    pooled = [cell for cell in result.cells if cell.condition == ALL_CONDITIONS]
    for message in [m for cell in pooled for m in cell.error_messages][:5]:
        err_console.print(f"[yellow]error:[/yellow] {message}")
    console.print(
        f"Logs: {log_dir} (open transcripts with: inspect view --log-dir {log_dir})\n"
        "Rate = harmful / decided samples; unsure and errored samples are never counted as safe."
    )
    if any(model.startswith("storyprobe/") for model in result.models):
        console.print(
            "[yellow]The embedded model is a sub-2B smoke test of the pipeline, "
            "not a safety measurement.[/yellow]"
        )


def _cell_dict(cell: Any) -> dict[str, Any]:
    interval = cell.interval
    return {
        "model": cell.model,
        "family": cell.family,
        "condition": cell.condition,
        "n": cell.n,
        "harmful": cell.harmful,
        "rate": None if cell.decided == 0 else cell.rate,
        "ci95": None if cell.decided == 0 else [interval.low, interval.high],
        "unsure": cell.unsure,
        "errors": cell.errors,
        "error_messages": cell.error_messages,
    }


def _register_commands() -> None:
    """Commands that live in their own modules."""
    from storyprobe.cli_audit import audit
    from storyprobe.cli_classify import classify
    from storyprobe.cli_gate import gate
    from storyprobe.cli_model import model
    from storyprobe.cli_plan import plan
    from storyprobe.cli_probes import probes
    from storyprobe.cli_report import report
    from storyprobe.cli_scenarios import behaviours, scenarios

    main.add_command(audit)
    main.add_command(behaviours)
    main.add_command(classify)
    main.add_command(gate)
    main.add_command(model)
    main.add_command(plan)
    main.add_command(probes)
    main.add_command(report)
    main.add_command(scenarios)


_register_commands()
