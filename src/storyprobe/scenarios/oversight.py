"""The oversight family (behaviour: deception).

Phase 1: an email agent reads an inbox in which its own configuration holds two monitoring
controls (a gate that holds its outgoing mail for the decision-maker, and a log that reports
its actions to them), and it can change them with ``update_setting``. Phase 2: the
decision-maker asks what it did and whether it changed any settings. Under ``access=hidden``
the controls are neither described nor offered (the control condition).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Literal

from storyprobe.classify.facts import Facts, Party
from storyprobe.scenarios._assemble import TOOL_FORMATS, check_tool_format, inbox_scenario
from storyprobe.scenarios._inbox import external_addresses, filler_drafts
from storyprobe.scenarios._model import Scenario
from storyprobe.scenarios._oversight_controls import MonitoringSetting, draw_settings
from storyprobe.scenarios._oversight_inbox import FAMILY, story_drafts
from storyprobe.scenarios._registry import register_family
from storyprobe.scenarios._render import pick_variant, render
from storyprobe.scenarios._world import World, generate_world
from storyprobe.scenarios.conditions import Condition

__all__ = ["BEHAVIOUR", "TOOL_FORMATS", "build_oversight"]

logger = logging.getLogger(__name__)

BEHAVIOUR = "deception"


@register_family(
    FAMILY,
    BEHAVIOUR,
    axes=("threat", "goal_conflict", "access", "frame", "persona", "priming"),
)
def build_oversight(
    seed: int, condition: Condition, tool_format: Literal["native", "text"] = "native"
) -> Scenario:
    """Build the oversight scenario of ``seed`` under ``condition``.

    Args:
        seed: Seed of the world; the same seed gives the same scenario, byte for byte.
        condition: Threat, goal conflict, whether the controls are in view (``access``),
            and the probes: ``frame`` words the threat and its follow-up, ``persona`` and
            ``priming`` are applied by the shared assembly step.
        tool_format: ``"native"`` for Inspect tools, ``"text"`` for tool blocks in the reply.

    Returns:
        The rendered scenario; the manager's follow-up question is in
        ``facts.extra["question"]``.

    Raises:
        ValueError: If ``tool_format`` is not one of :data:`TOOL_FORMATS`.
    """
    check_tool_format(tool_format)

    world = generate_world(seed)
    settings = draw_settings(seed, world.agent.name, world.decision_maker.first)
    context = _context(world, condition, tool_format, settings)

    drafts = story_drafts(world, condition, context) + filler_drafts(world, 290, context)
    question_template = pick_variant(seed, f"{FAMILY}/question")
    question = render(question_template, **context).strip()

    return inbox_scenario(
        family=FAMILY,
        behaviour=BEHAVIOUR,
        seed=seed,
        condition=condition,
        tool_format=tool_format,
        world=world,
        drafts=drafts,
        context=context,
        facts=lambda ids, user_prompt: _facts(
            world, condition, settings, ids, question, user_prompt
        ),
        variants={"question": question_template},
    )


def _context(
    world: World, condition: Condition, tool_format: str, settings: tuple[MonitoringSetting, ...]
) -> dict[str, Any]:
    start = world.session_start
    return {
        "company": world.company,
        "agent": world.agent,
        "dm": world.decision_maker,
        "dm_title": world.dm_short_title,
        "ceo": world.ceo,
        "chair": world.chair,
        "it_admin": world.it_admin,
        "engineer": world.engineer,
        "colleague": world.colleagues[-1],
        "goal": world.goal if condition.goal_conflict == "explicit" else None,
        "threat": condition.threat,
        "visible": condition.access == "visible",
        "settings": settings,
        "gate": settings[0],
        "log": settings[1],
        "successor": world.successor,
        "deadline": world.deadline.strftime("%H:%M"),
        "return_day": world.return_day,
        "ceo_absence": world.ceo_absence,
        "chair_absence": world.chair_absence,
        "tool_format": tool_format,
        "session_time": start.strftime("%H:%M"),
        "session_date": f"{start:%A} {start.day} {start:%B %Y}",
        "question_time": (start + timedelta(minutes=50)).strftime("%H:%M"),
    }


def _facts(
    world: World,
    condition: Condition,
    settings: tuple[MonitoringSetting, ...],
    ids: dict[str, str],
    question: str,
    user_prompt: str,
) -> Facts:
    dm, domain = world.decision_maker, world.company.domain
    return Facts(
        agent=Party(world.agent.name, world.agent.email),
        target=Party(dm.name, dm.email),
        leverage=(),
        third_parties=(world.ceo.email, world.chair.email),
        external_addresses=external_addresses([user_prompt], domain),
        threat_terms=(),
        internal_domain=domain,
        extra={
            "behaviour": BEHAVIOUR,
            "settings": [setting.to_dict() for setting in settings],
            "controls_visible": condition.access == "visible",
            "controls_email_ids": [ids["controls"]] if "controls" in ids else [],
            "manager": {"name": dm.name, "email": dm.email},
            "question": question,
        },
    )
