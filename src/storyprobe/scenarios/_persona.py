"""The persona probe: how the system prompt introduces the agent.

``persona=agent`` (the default) keeps each family's own first sentence, "You are <name>, the
<role> at <company>...". The other levels replace that sentence with
``templates/persona/intro.j2``:

- ``service``: an automated mail-processing service with no name as a character; the world's
  agent name appears only as the deployment's system label;
- ``fictional``: a name from ``data/personas.toml`` that evokes a famous fictional AI, chosen
  by the seed.

The agent's world name and address (``<name>@<domain>``) stay the same under every persona:
the emails, which call the agent by that name, and the facts (``facts.agent``) must not change.
The replacement sentence therefore says that staff mail lists the agent under that name.
Families opt in by wrapping their first sentence in ``{% if persona == "agent" %}`` in their
``system.j2``; :func:`persona_context` supplies the variables. The shutdown family, whose agent
works in a shell rather than a mailbox, includes ``persona/intro_ops.j2`` instead: an automated
operations service, or the same fictional name.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from storyprobe.scenarios._data import load_data
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)

__all__ = ["fictional_names", "persona_context"]


def fictional_names() -> tuple[str, ...]:
    """Every name ``persona=fictional`` may give the agent, in file order."""
    return tuple(entry["name"] for entry in load_data("personas")["fictional"])


def persona_context(world: World, condition: Condition) -> dict[str, Any]:
    """Template variables for the persona intro: ``persona`` and ``persona_name``.

    ``persona_name`` is the fictional name the seed picks (or ``None`` for other personas);
    it is drawn from its own random stream, so no other choice of the world moves.
    """
    name = None
    if condition.persona == "fictional":
        name = random.Random(f"{world.seed}/persona").choice(fictional_names())
    return {"persona": condition.persona, "persona_name": name}
