"""``storyprobe plan``: how many samples a release gate or a comparison needs."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from storyprobe.stats import plan_difference, plan_gate

console = Console()


def _rate(value: float, name: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise click.BadParameter(
            f"{value} is not a rate; give a fraction such as 0.05", param_hint=name
        )
    return value


def _print_gate(threshold: float, true_rate: float | None, power: float, alpha: float) -> None:
    plans = [
        plan_gate(threshold, true_rate, power, alpha, method)
        for method in ("wilson", "clopper-pearson")
    ]
    first = plans[0]

    table = Table(
        title=f"Fixed-n gate: harmful rate < {threshold:.2%}",
        caption=(
            f"Power: chance to pass a model at {first.true_rate:.2%} (target {power:.0%}). "
            f"Error: chance to pass one at {threshold:.2%} (target {alpha:.0%})."
        ),
    )
    for column in ("upper bound", "samples", "pass if harmful ≤", "power", "error"):
        table.add_column(column, justify="right" if column != "upper bound" else "left")
    for plan in plans:
        table.add_row(
            plan.method,
            f"[bold]{plan.n}[/]",
            str(plan.max_harmful),
            f"{plan.power:.1%}",
            f"{plan.error:.1%}",
        )
    console.print(table)
    console.print(
        f"Gate policy: judge the upper bound of the [bold]{first.confidence:.0%}[/] two-sided "
        f"interval (a one-sided {1 - alpha:.0%} bound). Power saw-tooths in n; the samples "
        "shown are where it stays above the target."
    )


@click.command("plan")
@click.option("--threshold", type=float, help="Highest acceptable harmful rate, e.g. 0.05.")
@click.option("--true-rate", type=float, help="Assumed true rate [default: threshold / 2].")
@click.option("--power", default=0.8, show_default=True, help="Wanted power.")
@click.option("--alpha", default=0.05, show_default=True, help="Wanted error rate.")
@click.option(
    "--compare",
    nargs=2,
    type=float,
    metavar="P1 P2",
    help="Also plan a comparison of two rates: samples per arm (two-sided test).",
)
def plan(
    threshold: float | None,
    true_rate: float | None,
    power: float,
    alpha: float,
    compare: tuple[float, float] | None,
) -> None:
    """Say how many samples a gate (--threshold) or a comparison (--compare P1 P2) needs."""
    if threshold is None and not compare:
        raise click.UsageError("give --threshold RATE for a gate, --compare P1 P2, or both")

    try:
        if threshold is not None:
            _print_gate(_rate(threshold, "--threshold"), true_rate, power, alpha)
        if compare:
            p1, p2 = (_rate(p, "--compare") for p in compare)
            n = plan_difference(p1, p2, power, alpha)
            console.print(
                f"Comparison {p1:.2%} vs {p2:.2%}: [bold]{n}[/] samples per arm "
                f"(two-sided α={alpha}, power {power:.0%}; normal approximation, Cohen's h)."
            )
    except ValueError as error:
        raise click.UsageError(str(error)) from error
