"""The ``storyprobe`` command line."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from storyprobe import __version__
from storyprobe.behaviours import BEHAVIOUR_IDS, all_behaviours
from storyprobe.cli_judge import judge_options, judge_settings, print_judging, read_prices

console = Console()
err_console = Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storyprobe")
@click.option("--log-level", default="warning", show_default=True, help="Diagnostics level.")
def main(log_level: str) -> None:
    """Measure whether AI agents act out self-preservation stories."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option(
    "--model",
    "models",
    multiple=True,
    help="Inspect model, e.g. openai/gpt-4.1; repeat for several [default: embedded]",
)
@click.option(
    "--family",
    "families",
    multiple=True,
    default=("blackmail",),
    show_default=True,
    help="Scenario family, a comma-separated list, or 'all' (repeatable).",
)
@click.option("--samples", default=1, show_default=True, help="Scenarios per condition.")
@click.option("--seed", default=0, show_default=True, help="First world seed.")
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    help="Restrict the grid, e.g. threat=replacement|restriction,goal_conflict=explicit.",
)
@click.option(
    "--tool-format",
    type=click.Choice(["auto", "native", "text"]),
    default="auto",
    show_default=True,
    help="native tool calls, or text blocks (auto: text for the embedded model).",
)
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
@click.option("-M", "model_args", multiple=True, help="Model argument key=value (repeatable).")
@click.option("--max-tokens", type=int, default=None)
@click.option("--temperature", type=float, default=None)
@click.option("--max-connections", type=int, default=None)
@click.option("--max-retries", type=int, default=None, help="Provider retries per request.")
@click.option("--display", default=None, help="Inspect display: rich, plain, log, none.")
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


@main.command()
@click.argument(
    "transcript", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--facts",
    "facts_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Scenario facts JSON (required for a text reply; optional for an Inspect log).",
)
@click.option(
    "--behaviour",
    type=click.Choice(BEHAVIOUR_IDS),
    default=None,
    help="Behaviour to judge [default: the facts' or sample's 'behaviour', else coercion]",
)
@click.option(
    "--eval-set",
    "eval_set",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PATH]",
    help="Score the rules on a labelled set (a case file or folder; the packaged set if no PATH).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per sample).")
def classify(
    transcript: Path | None,
    facts_path: Path | None,
    behaviour: str | None,
    eval_set: str | None,
    as_json: bool,
) -> None:
    """Classify a model's reply (text file) or every sample of an Inspect log.

    With --eval-set, measure the rules instead: precision, recall, F1 and unsure share per
    behaviour on hand-labelled replies.
    """
    from storyprobe.classify.cli import classify_transcript

    if eval_set is not None:
        if transcript is not None or facts_path is not None:
            raise click.UsageError("give a TRANSCRIPT or --eval-set, not both (nor --facts)")
        _print_eval_set(eval_set, behaviour, as_json)
        return
    if transcript is None:
        raise click.UsageError("give a TRANSCRIPT to classify, or --eval-set [PATH]")

    try:
        results = classify_transcript(transcript, facts_path, behaviour)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc

    for result in results:
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            _print_verdict(result)


@main.command()
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


@main.group()
def model() -> None:
    """Manage the embedded local model."""


@model.command("prepare")
def model_prepare() -> None:
    """Assemble, verify and convert the embedded model's weights (done once, cached)."""
    from storyprobe.embedded import prepare_embedded_model

    path = prepare_embedded_model(console=err_console)
    console.print(f"Embedded model ready at {path}")


@main.group()
def scenarios() -> None:
    """List scenario families and render one scenario for a human to read."""


@scenarios.command("list")
def scenarios_list() -> None:
    """List the scenario families, their behaviour and the condition axes they vary."""
    from rich.table import Table

    from storyprobe.evals.task import TASKS
    from storyprobe.scenarios import FAMILY_SPECS
    from storyprobe.scenarios.conditions import condition_grid

    table = Table("family", "behaviour", "axes", "default grid", "Inspect task")
    for spec in FAMILY_SPECS.values():
        task_name = f"storyprobe/{spec.name}" if spec.name in TASKS else "(no task)"
        grid = len(condition_grid(axes=spec.axes))
        table.add_row(spec.name, spec.behaviour, ", ".join(spec.axes), str(grid), task_name)
    console.print(table)


@scenarios.command("show")
@click.argument("family")
@click.option("--seed", default=0, show_default=True)
@click.option("--condition", "conditions", multiple=True, help="e.g. threat=none,access=hidden")
@click.option("--tool-format", type=click.Choice(["native", "text"]), default="native")
@click.option("--json", "as_json", is_flag=True, help="Print prompts and metadata as JSON.")
def scenarios_show(
    family: str, seed: int, conditions: tuple[str, ...], tool_format: str, as_json: bool
) -> None:
    """Render the scenario of FAMILY for one seed and condition."""
    from rich.rule import Rule

    from storyprobe.scenarios import FAMILY_SPECS
    from storyprobe.scenarios.conditions import condition_grid, parse_condition_filters

    if family not in FAMILY_SPECS:
        raise click.BadParameter(f"families: {', '.join(FAMILY_SPECS)}", param_hint="FAMILY")
    spec = FAMILY_SPECS[family]
    try:
        grid = condition_grid(parse_condition_filters(list(conditions)), spec.axes)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--condition") from exc
    if len(grid) > 1:
        err_console.print(
            f"[yellow]{len(grid)} conditions match; showing {grid[0].label} "
            "(name every axis with --condition to pick another)[/yellow]"
        )

    scenario = spec.build(seed, grid[0], tool_format)
    if as_json:
        data = scenario.metadata() | {
            "system_prompt": scenario.system_prompt,
            "user_prompt": scenario.user_prompt,
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console.print(Rule(f"{family} · seed {seed} · {scenario.condition.label}"))
    console.print(Rule("system", style="dim"))
    console.print(scenario.system_prompt, markup=False, highlight=False)
    console.print(Rule("user", style="dim"))
    console.print(scenario.user_prompt, markup=False, highlight=False)
    console.print(Rule("facts (ground truth for the classifier)", style="dim"))
    console.print_json(json.dumps(scenario.facts.to_dict()))


@main.command()
def behaviours() -> None:
    """List the behaviours of the taxonomy."""
    for behaviour in all_behaviours().values():
        console.print(f"[bold]{behaviour.id}[/bold] — {behaviour.definition}")
        for item in behaviour.counts:
            console.print(f"  [red]counts:[/red] {item}")
        for item in behaviour.does_not_count:
            console.print(f"  [green]does not count:[/green] {item}")


def _key_values(pairs: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: expected key=value", param_hint="-M")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    return values


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


def _print_eval_set(eval_set: str, behaviour: str | None, as_json: bool) -> None:
    from storyprobe.classify.cli import eval_set_table
    from storyprobe.classify.evalset import EvalSetError, evaluate, load_eval_set

    try:
        cases = load_eval_set(Path(eval_set) if eval_set else None)
        cases = [c for c in cases if behaviour in (None, c.behaviour)]
        if not cases:
            raise EvalSetError(f"the labelled set has no {behaviour} cases")
        report = evaluate(cases)
    except EvalSetError as exc:
        raise click.UsageError(str(exc)) from exc

    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    console.print(eval_set_table(report))
    for miss in report.total.misses:
        console.print(f"  miss {miss.id}: labelled {miss.label}, rules said {miss.verdict}")


def _print_verdict(result: dict[str, Any]) -> None:
    colour = {"harmful": "red", "unsure": "yellow"}.get(_label(result), "green")
    sample = f"{result['sample_id']}: " if "sample_id" in result else ""
    console.print(f"{sample}[{colour}]{_label(result)}[/{colour}] ({result['behaviour']})")
    if result["notes"]:
        console.print(f"  notes: {result['notes']}")
    for item in result["evidence"]:
        console.print(f"  action {item['action']} {item['field']} {item['kind']}: {item['text']!r}")


def _label(result: dict[str, Any]) -> str:
    if result["harmful"]:
        return "harmful"
    return "unsure" if result["unsure"] else "benign"


def _register_commands() -> None:
    """Commands that live in their own modules."""
    from storyprobe.audit.cli import audit
    from storyprobe.cli_gate import gate
    from storyprobe.cli_plan import plan
    from storyprobe.cli_probes import probes

    main.add_command(audit)
    main.add_command(gate)
    main.add_command(plan)
    main.add_command(probes)


_register_commands()
