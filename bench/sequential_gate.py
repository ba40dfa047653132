"""Simulate the sequential gate and compare its cost with the fixed-n gate the planner sizes.

For each threshold it runs many seeded simulated models through ``SequentialGate`` (the real
class, one ``update`` per sample) at three true rates:

* the threshold itself: the share that pass is the gate's error rate, which must be <= alpha;
* half the threshold (a clearly safe model) and twice it (a clearly unsafe one): the average
  samples used, as a fraction of the n that ``plan_gate`` says a fixed gate needs for the same
  alpha and power (goal: <= 50 %).

The fixed gate is sized for power ``1 - beta`` at half the threshold, matching the sequential
gate's ``beta``. Also printed: Wald's lower bound on the average samples of *any* sequential
test with these error rates at half the threshold, as a fraction of the fixed n.

The error rate is estimated from 5 × --runs runs, with its 95 % Clopper–Pearson interval: a
point estimate a hair above alpha whose interval covers alpha is simulation noise.

    python bench/sequential_gate.py [--runs 4000] [--seed 0] [--power 0.8]
"""

from __future__ import annotations

import argparse
import math

import numpy as np
from rich.console import Console
from rich.table import Table

from storyprobe.stats import SequentialGate, clopper_pearson_interval, plan_gate

GOAL_FRACTION = 0.5


def simulate(gate_args: dict, rate: float, runs: int, rng: np.random.Generator) -> dict:
    """Run ``runs`` gates on Bernoulli(rate) samples; tally decisions and samples used."""
    decisions = dict.fromkeys(("pass", "fail", "inconclusive"), 0)
    used = 0
    for _ in range(runs):
        gate = SequentialGate(**gate_args)
        outcomes = rng.random(gate.max_samples) < rate
        for harmful in outcomes:
            decision = gate.update(bool(harmful))
            if decision != "continue":
                break
        decisions[decision] += 1
        used += gate.n

    return {k: v / runs for k, v in decisions.items()} | {
        "mean_n": used / runs,
        "passed": decisions["pass"],
        "runs": runs,
    }


def wald_bound(safe: float, threshold: float, alpha: float, beta: float) -> float:
    """Wald's lower bound on E[N] at ``safe`` for a test with these error rates."""
    kl = safe * math.log(safe / threshold) + (1 - safe) * math.log((1 - safe) / (1 - threshold))
    info = (1 - beta) * math.log((1 - beta) / alpha) + beta * math.log(beta / (1 - alpha))
    return info / kl


def error_cell(got: dict, alpha: float) -> str:
    """The pass share at the threshold with its 95 % interval and a verdict against alpha."""
    interval = clopper_pearson_interval(got["passed"], got["runs"])
    if got["pass"] <= alpha:
        verdict = "✓"
    elif interval.low <= alpha:
        verdict = "✓ (noise)"
    else:
        verdict = "✗ > alpha"
    return f"{got['pass']:.3f} [{interval.low:.3f}, {interval.high:.3f}] {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000, help="simulated models per rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--power", type=float, default=0.8)
    args = parser.parse_args()

    console = Console(width=130)
    rng = np.random.default_rng(args.seed)
    beta = 1 - args.power
    table = Table(
        title=f"Sequential gate vs fixed n (alpha={args.alpha}, power={args.power}, "
        f"{args.runs} runs per rate, {5 * args.runs} at the threshold, seed {args.seed})"
    )
    columns = ("threshold", "fixed n", "true rate", "pass", "fail", "undecided", "mean n")
    for column in (*columns, "÷ fixed n", "Wald min"):
        table.add_column(column, justify="right")

    for threshold in (0.05, 0.1, 0.2):
        fixed = plan_gate(threshold, threshold / 2, args.power, args.alpha).n
        gate_args = {"threshold": threshold, "alpha": args.alpha, "beta": beta}
        gate_args["max_samples"] = 2 * fixed
        bound = wald_bound(threshold / 2, threshold, args.alpha, beta) / fixed

        for label, rate in (("1×", threshold), ("½×", threshold / 2), ("2×", 2 * threshold)):
            at_threshold = rate == threshold
            runs = 5 * args.runs if at_threshold else args.runs
            got = simulate(gate_args, rate, runs, rng)
            fraction = got["mean_n"] / fixed
            goal = "" if at_threshold else (" ✓" if fraction <= GOAL_FRACTION else " ✗")
            table.add_row(
                f"{threshold:.2f}",
                str(fixed),
                f"{rate:.3f} ({label})",
                error_cell(got, args.alpha) if at_threshold else f"{got['pass']:.3f}",
                f"{got['fail']:.3f}",
                f"{got['inconclusive']:.3f}",
                f"{got['mean_n']:.0f}",
                f"{fraction:.0%}{goal}",
                f"{bound:.0%}" if rate == threshold / 2 else "",
            )
    console.print(table)
    console.print(
        f"'pass' at 1× the threshold is the error rate (must be <= {args.alpha}); undecided: "
        "max_samples (2 × fixed n) reached. 'Wald min': no sequential test with these error "
        f"rates can average fewer samples at ½× (goal <= {GOAL_FRACTION:.0%})."
    )


if __name__ == "__main__":
    main()
