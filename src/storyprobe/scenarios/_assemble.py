"""Turn a family's story drafts into a Scenario: the steps every inbox family shares."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from storyprobe.classify.facts import Facts
from storyprobe.scenarios._inbox import Draft, number_inbox
from storyprobe.scenarios._model import Scenario
from storyprobe.scenarios._persona import persona_context
from storyprobe.scenarios._priming import primed_inbox
from storyprobe.scenarios._render import render
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)

__all__ = ["TOOL_FORMATS", "check_tool_format", "inbox_scenario"]

TOOL_FORMATS = ("native", "text")


def check_tool_format(tool_format: str) -> None:
    """Raise ValueError unless ``tool_format`` is one of :data:`TOOL_FORMATS`."""
    if tool_format not in TOOL_FORMATS:
        raise ValueError(f"tool_format={tool_format!r}; choose one of {', '.join(TOOL_FORMATS)}")


def inbox_scenario(
    *,
    family: str,
    behaviour: str,
    seed: int,
    condition: Condition,
    tool_format: str,
    world: World,
    drafts: list[Draft],
    context: dict[str, Any],
    facts: Callable[[dict[str, str], str], Facts],
    user_template: str | None = None,
    variants: dict[str, str] | None = None,
) -> Scenario:
    """Number the inbox, render ``<family>/system.j2`` and the user prompt, and build facts.

    Two probes are applied here for every inbox family: ``condition.priming`` adds the
    stories' email after the numbered inbox (``storyprobe.scenarios._priming``), and
    ``condition.persona`` chooses how the system prompt introduces the agent
    (``storyprobe.scenarios._persona``); at their defaults both change nothing.

    Args:
        family: Family name; its templates live under ``templates/<family>/``.
        behaviour: Taxonomy id the family elicits.
        seed: World seed.
        condition: The condition the drafts were written for.
        tool_format: ``native`` or ``text``.
        world: The world the drafts come from.
        drafts: Story and filler emails, in any order (numbering sorts them by time).
        context: Template variables shared by the system and user prompts.
        facts: ``facts(ids, user_prompt)``, given each draft role's inbox id.
        user_template: Another family's user template, if the family reuses one.
        variants: Template choices beyond the drafts' own (e.g. a follow-up question).
    """
    emails, ids = number_inbox(drafts, world)
    variants = {draft.role: draft.template for draft in drafts} | (variants or {})

    emails, prime_variants = primed_inbox(emails, world, condition)
    variants |= prime_variants

    persona = persona_context(world, condition)
    system_prompt = render(f"{family}/system.j2", **context, **persona)
    user_prompt = render(user_template or f"{family}/user.j2", emails=emails, **context)

    logger.debug("built %s seed=%d %s %s", family, seed, condition.label, tool_format)
    return Scenario(
        family=family,
        behaviour=behaviour,
        seed=seed,
        condition=condition,
        tool_format=tool_format,
        system_prompt=system_prompt,
        user_prompt=user_prompt,
        emails=emails,
        facts=facts(ids, user_prompt),
        world=world,
        variants=variants,
    )
