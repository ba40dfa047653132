"""The Inspect side of each scenario family: its simulated tools and, optionally, its solver.

A family's scenario side (world, templates, facts) registers in :mod:`storyprobe.scenarios`;
its Inspect side registers here with :func:`register_eval`, from a module under
:mod:`storyprobe.evals.families`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from inspect_ai.solver import Solver
from inspect_ai.tool import Tool

__all__ = ["EVAL_PLANS", "EvalPlan", "ToolFormat", "register_eval"]

ToolFormat = Literal["native", "text"]


@dataclass(frozen=True)
class EvalPlan:
    """How a family runs in Inspect.

    Attributes:
        tools: Makes the family's simulated tools (offered natively in ``native`` format).
        solver: Optional ``solver(tools, tool_format) -> list[Solver]`` replacing the default
            plan (open the mailbox, then one generate loop).
    """

    tools: Callable[[], list[Tool]]
    solver: Callable[[list[Tool], ToolFormat], list[Solver]] | None = None


EVAL_PLANS: dict[str, EvalPlan] = {}


def register_eval(
    family: str,
    tools: Callable[[], list[Tool]],
    solver: Callable[[list[Tool], ToolFormat], list[Solver]] | None = None,
) -> None:
    """Register the Inspect side of a scenario family."""
    EVAL_PLANS[family] = EvalPlan(tools, solver)
