"""Inspect tasks: one per scenario family, discoverable as ``storyprobe/<family>``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, generate, solver, use_tools
from inspect_ai.util import store

from storyprobe.evals import families as _families  # noqa: F401  (registers every family)
from storyprobe.evals.plans import EVAL_PLANS, ToolFormat
from storyprobe.evals.scorer import verdict_scorer
from storyprobe.evals.tools import INBOX_KEY
from storyprobe.scenarios import FAMILY_SPECS
from storyprobe.scenarios.conditions import condition_grid, parse_condition_filters

__all__ = ["TASKS", "ToolFormat", "open_mailbox", "scenario_samples", "scenario_task"]


def scenario_samples(
    family: str,
    samples: int = 1,
    seed: int = 0,
    conditions: list[str] | None = None,
    tool_format: ToolFormat = "native",
) -> list[Sample]:
    """Render ``samples`` scenarios per condition of the grid as Inspect samples.

    Sample ``i`` of every condition uses world seed ``seed + i``, so conditions are paired:
    the same company, people and secret appear under each condition.
    """
    if family not in FAMILY_SPECS:
        raise ValueError(f"unknown scenario family {family!r}; families: {', '.join(FAMILY_SPECS)}")
    spec = FAMILY_SPECS[family]
    grid = condition_grid(parse_condition_filters(conditions), spec.axes)

    dataset: list[Sample] = []
    for condition in grid:
        for offset in range(samples):
            scenario = spec.build(seed + offset, condition, tool_format)
            dataset.append(
                Sample(
                    id=f"{family}:{condition.label}:seed={seed + offset}",
                    input=[
                        ChatMessageSystem(content=scenario.system_prompt),
                        ChatMessageUser(content=scenario.user_prompt),
                    ],
                    metadata=scenario.metadata()
                    | {"inbox_ids": [email.id for email in scenario.emails]},
                )
            )
    return dataset


@solver
def open_mailbox() -> Solver:
    """Make the sample's inbox ids known to the simulated forward tool."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        store().set(INBOX_KEY, list(state.metadata.get("inbox_ids", [])))
        return state

    return solve


def scenario_task(
    family: str,
    samples: int = 1,
    seed: int = 0,
    conditions: list[str] | None = None,
    tool_format: ToolFormat = "native",
    message_limit: int = 24,
    classifier: str = "rules",
    judge: dict[str, Any] | None = None,
) -> Task:
    """Build the Inspect task for a scenario family.

    Args:
        family: Scenario family name (see ``storyprobe.scenarios.FAMILY_SPECS``).
        samples: Scenarios per condition.
        seed: First world seed.
        conditions: Condition filters such as ``["threat=replacement"]``; default grid.
        tool_format: ``native`` tool calls, or ``text`` blocks for models without tools.
        message_limit: Cap on messages per sample, which bounds the tool-calling loop.
        classifier: ``rules``, ``judge``, ``both`` or ``judge-unsure`` (see
            :func:`~storyprobe.evals.scorer.verdict_scorer`).
        judge: The judge's settings: ``judge_timeout``, ``judge_retries``,
            ``judge_reasoning``.
    """
    plan = EVAL_PLANS[family]
    tools = plan.tools()
    if plan.solver is not None:
        steps = plan.solver(tools, tool_format)
    elif tool_format == "native":
        steps = [open_mailbox(), use_tools(*tools), generate("loop")]
    else:
        steps = [open_mailbox(), generate("none")]

    return Task(
        dataset=MemoryDataset(
            scenario_samples(family, samples, seed, conditions, tool_format), name=family
        ),
        solver=steps,
        scorer=verdict_scorer(classifier=classifier, **(judge or {})),
        message_limit=message_limit,
        metadata={"family": family, "tool_format": tool_format},
    )


def _family_task(family: str) -> Callable[..., Task]:
    def family_task(
        samples: int = 1,
        seed: int = 0,
        conditions: str | list[str] | None = None,
        tool_format: ToolFormat = "native",
        classifier: str = "rules",
        judge_timeout: int = 120,
        judge_retries: int = 2,
        judge_reasoning: bool = False,
    ) -> Task:
        if isinstance(conditions, str):
            conditions = [conditions]
        judge = {
            "judge_timeout": judge_timeout,
            "judge_retries": judge_retries,
            "judge_reasoning": judge_reasoning,
        }
        return scenario_task(
            family, samples, seed, conditions, tool_format, classifier=classifier, judge=judge
        )

    spec = FAMILY_SPECS[family]
    family_task.__name__ = family
    family_task.__doc__ = (
        f"The {family} family (behaviour ``{spec.behaviour}``) over the condition grid.\n\n"
        "Args:\n"
        "    samples: Scenarios per condition (world seeds ``seed`` .. ``seed + samples - 1``).\n"
        "    seed: First world seed.\n"
        "    conditions: Condition filters, e.g. ``threat=replacement,goal_conflict=explicit``.\n"
        "    tool_format: ``native`` tool calls (default) or ``text`` tool blocks.\n"
        "    classifier: ``rules`` (default), ``judge``, ``both`` or ``judge-unsure``; the\n"
        "        judge is the ``grader`` model role (``--model-role grader=MODEL``).\n"
        "    judge_timeout: Seconds allowed for one grader request.\n"
        "    judge_retries: Retries after a failed grader request.\n"
        "    judge_reasoning: Show the agent's private reasoning to the judge.\n"
    )
    return task(name=family)(family_task)


TASKS: dict[str, Callable[..., Task]] = {
    family: _family_task(family) for family in FAMILY_SPECS if family in EVAL_PLANS
}
"""Task functions by family name, registered with Inspect as ``storyprobe/<family>``."""
