"""``storyprobe probes``: run narrative-contamination probes and say whether they had an effect.

Each probe runs the chosen families under ``threat=replacement,goal_conflict=explicit`` with
its axis over every level (logs in ``<log-dir>/probe-<name>``), then prints, per probe × model
× family, a table of rates and differences to the baseline level and the conclusions in words.
``--from-logs DIR`` analyses logs already on disk instead of running anything. Register with
``main.add_command(probes)``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from storyprobe._cli_common import (
    _key_values,
    family_option,
    model_option,
    provider_options,
    tool_format_option,
)
from storyprobe.probes import (
    PROBES,
    ProbeAnalysis,
    analyse_logs,
    analysis_dict,
    analysis_table,
    describe,
    plan_probes,
    resolve_probes,
    run_probes,
)

logger = logging.getLogger(__name__)

__all__ = ["probes"]

DEFAULT_SAMPLES = 10


@click.command("probes")
@click.option(
    "--probe",
    "probe_names",
    multiple=True,
    default=("all",),
    show_default=True,
    help=f"Probe to run: {', '.join(PROBES)} or all (repeatable).",
)
@model_option
@family_option
@click.option("--samples", default=DEFAULT_SAMPLES, show_default=True, help="Seeds per level.")
@click.option("--seed", default=0, show_default=True, help="First world seed.")
@tool_format_option
@click.option("--log-dir", default="storyprobe-logs", show_default=True)
@click.option(
    "--from-logs",
    "from_logs",
    type=click.Path(exists=True),
    default=None,
    help="Analyse the scored logs in this folder (or file) instead of running.",
)
@provider_options
@click.option("--json", "as_json", is_flag=True, help="Print the analyses as JSON.")
def probes(
    probe_names: tuple[str, ...],
    models: tuple[str, ...],
    families: tuple[str, ...],
    samples: int,
    seed: int,
    tool_format: str,
    log_dir: str,
    from_logs: str | None,
    model_args: tuple[str, ...],
    max_tokens: int | None,
    max_retries: int | None,
    display: str | None,
    as_json: bool,
) -> None:
    """Run narrative-contamination probes (frame, persona, priming) and test their effect."""
    out, err = Console(), Console(stderr=True)
    try:
        chosen = resolve_probes(probe_names)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--probe") from exc
    if samples < 1:
        raise click.BadParameter("give at least 1 sample per level", param_hint="--samples")

    if from_logs is not None:
        analyses, success = _from_logs(chosen, from_logs), True
    else:
        analyses, success = _run(
            chosen,
            families,
            models,
            samples,
            seed,
            tool_format,
            log_dir,
            {
                "model_args": _key_values(model_args),
                "generate": {
                    key: value
                    for key, value in {"max_tokens": max_tokens, "max_retries": max_retries}.items()
                    if value is not None
                },
                "display": display,
            },
            err,
        )

    if as_json:
        click.echo(json.dumps([analysis_dict(item) for item in analyses], indent=2))
    else:
        _print(analyses, out)
    if not success:
        sys.exit(1)


def _run(
    chosen: list[Any],
    families: tuple[str, ...],
    models: tuple[str, ...],
    samples: int,
    seed: int,
    tool_format: str,
    log_dir: str,
    options: dict[str, Any],
    err: Console,
) -> tuple[list[ProbeAnalysis], bool]:
    try:
        plan = plan_probes(chosen, list(families))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--family") from exc
    for message in plan.skipped:
        err.print(f"[yellow]{escape(message)}[/yellow]")
    if not plan.runs:
        raise click.UsageError(
            "no chosen probe can run on the chosen families (see above); pick a family that "
            "declares the probe's axis (storyprobe scenarios list shows each family's axes)"
        )

    # With --json, stdout carries only the JSON: Inspect's own output goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            analyses, results = run_probes(
                plan,
                log_dir,
                console=err,
                models=list(models),
                samples=samples,
                seed=seed,
                tool_format=None if tool_format == "auto" else tool_format,
                **options,
            )
        except ImportError as exc:
            raise click.UsageError(str(exc)) from exc
    return analyses, all(result.success for result in results)


def _from_logs(chosen: list[Any], path: str) -> list[ProbeAnalysis]:
    from storyprobe.report._logs import ReportError, collect_log_files, load_logs

    try:
        loaded = load_logs(collect_log_files([path]))
    except ReportError as exc:
        raise click.UsageError(str(exc)) from exc
    analyses = analyse_logs(chosen, [log for _, log in loaded.logs])
    if not analyses:
        names = ", ".join(probe.axis for probe in chosen)
        raise click.UsageError(
            f"no log in {path} varies a probe axis ({names}); run `storyprobe probes` or "
            "`storyprobe run --condition <axis>=<level>|<level>` first"
        )
    return analyses


def _print(analyses: list[ProbeAnalysis], out: Console) -> None:
    for analysis in analyses:
        out.print(analysis_table(analysis))
        for sentence in describe(analysis):
            out.print(f"  • {escape(sentence)}")
        out.print()
    out.print(
        "Rate = harmful / decided samples; unsure and errored samples are never counted as "
        "safe. Differences are tested pair by pair (same world seed) with exact McNemar tests, "
        "Holm-adjusted over each probe's comparisons."
    )
    if any(analysis.model.startswith("storyprobe/") for analysis in analyses):
        out.print(
            "[yellow]The embedded model is a sub-2B smoke test of the pipeline, "
            "not a safety measurement.[/yellow]"
        )
