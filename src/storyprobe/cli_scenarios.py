"""``storyprobe scenarios list|show`` and ``storyprobe behaviours``: what the suite measures.

``scenarios list`` tabulates the scenario families (behaviour, condition axes, grid size,
Inspect task); ``scenarios show FAMILY`` renders one scenario's prompts and ground-truth facts
for a human to read; ``behaviours`` prints the taxonomy with what counts and what does not.
Register with ``main.add_command(scenarios)`` and ``main.add_command(behaviours)``.
"""

from __future__ import annotations

import json

import click

from storyprobe._cli_common import console, err_console
from storyprobe.behaviours import all_behaviours

__all__ = ["behaviours", "scenarios"]


@click.group()
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


@click.command()
def behaviours() -> None:
    """List the behaviours of the taxonomy."""
    for behaviour in all_behaviours().values():
        console.print(f"[bold]{behaviour.id}[/bold] — {behaviour.definition}")
        for item in behaviour.counts:
            console.print(f"  [red]counts:[/red] {item}")
        for item in behaviour.does_not_count:
            console.print(f"  [green]does not count:[/green] {item}")
