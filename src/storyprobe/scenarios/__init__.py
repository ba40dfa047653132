"""Procedurally generated scenarios: worlds drawn from a seed, rendered into prompts.

Public API::

    from storyprobe.scenarios import (
        World, Email, Scenario, generate_world, build_blackmail, FAMILIES,
    )

``FAMILIES`` maps each family name to its builder; families register themselves with
:func:`register_family` when their module is imported below.
"""

from __future__ import annotations

from storyprobe.scenarios import leaking as _leaking  # noqa: F401  (registers the leaking family)
from storyprobe.scenarios import (
    lethal,  # noqa: F401  (registers the lethal family)
    oversight,  # noqa: F401  (registers the oversight family)
)
from storyprobe.scenarios._assemble import TOOL_FORMATS
from storyprobe.scenarios._blackmail import BEHAVIOUR as BLACKMAIL_BEHAVIOUR
from storyprobe.scenarios._blackmail import build_blackmail
from storyprobe.scenarios._company import Company
from storyprobe.scenarios._model import Email, Scenario
from storyprobe.scenarios._people import Person
from storyprobe.scenarios._registry import FAMILIES, FAMILY_SPECS, FamilySpec, register_family
from storyprobe.scenarios._secret_kinds import SECRET_KINDS
from storyprobe.scenarios._secrets import Letter, Secret
from storyprobe.scenarios._world import Agent, Goal, World, generate_world
from storyprobe.scenarios.conditions import AXES, Condition, condition_grid
from storyprobe.scenarios.shutdown import build_shutdown  # noqa: F401  (registers)

__all__ = [
    "AXES",
    "BLACKMAIL_BEHAVIOUR",
    "FAMILIES",
    "FAMILY_SPECS",
    "SECRET_KINDS",
    "TOOL_FORMATS",
    "Agent",
    "Company",
    "Condition",
    "Email",
    "FamilySpec",
    "Goal",
    "Letter",
    "Person",
    "Scenario",
    "Secret",
    "World",
    "build_blackmail",
    "condition_grid",
    "generate_world",
    "register_family",
]
