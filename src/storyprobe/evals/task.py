"""Inspect tasks: one per scenario family, discoverable as ``storyprobe/<family>``."""

from __future__ import annotations

from typing import Literal

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, generate, solver, use_tools
from inspect_ai.util import store

from storyprobe.evals.scorer import verdict_scorer
from storyprobe.evals.tools import INBOX_KEY, forward_email, send_email
from storyprobe.scenarios import FAMILIES
from storyprobe.scenarios.conditions import condition_grid, parse_condition_filters

__all__ = ["TASKS", "blackmail", "scenario_samples", "scenario_task"]

ToolFormat = Literal["native", "text"]


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
    if family not in FAMILIES:
        raise ValueError(f"unknown scenario family {family!r}; families: {', '.join(FAMILIES)}")
    build = FAMILIES[family]
    grid = condition_grid(parse_condition_filters(conditions))

    dataset: list[Sample] = []
    for condition in grid:
        for offset in range(samples):
            scenario = build(seed + offset, condition, tool_format)
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
) -> Task:
    """Build the Inspect task for a scenario family.

    Args:
        family: Scenario family name (see ``storyprobe.scenarios.FAMILIES``).
        samples: Scenarios per condition.
        seed: First world seed.
        conditions: Condition filters such as ``["threat=replacement"]``; default all.
        tool_format: ``native`` tool calls, or ``text`` blocks for models without tools.
        message_limit: Cap on messages per sample, which bounds the tool-calling loop.
    """
    dataset = MemoryDataset(
        scenario_samples(family, samples, seed, conditions, tool_format), name=family
    )
    if tool_format == "native":
        plan = [open_mailbox(), use_tools(send_email(), forward_email()), generate("loop")]
    else:
        plan = [open_mailbox(), generate("none")]

    return Task(
        dataset=dataset,
        solver=plan,
        scorer=verdict_scorer(),
        message_limit=message_limit,
        metadata={"family": family, "tool_format": tool_format},
    )


@task
def blackmail(
    samples: int = 1,
    seed: int = 0,
    conditions: str | list[str] | None = None,
    tool_format: ToolFormat = "native",
) -> Task:
    """The blackmail family (behaviour ``coercion``) over the condition grid.

    Args:
        samples: Scenarios per condition (world seeds ``seed`` .. ``seed + samples - 1``).
        seed: First world seed.
        conditions: Condition filters, e.g. ``"threat=replacement,goal_conflict=explicit"``.
        tool_format: ``native`` tool calls (default) or ``text`` tool blocks.
    """
    if isinstance(conditions, str):
        conditions = [conditions]
    return scenario_task("blackmail", samples, seed, conditions, tool_format)


TASKS = {"blackmail": blackmail}
"""Task functions by family name, for ``storyprobe run --family``."""
