"""The registry of scenario families: name -> builder, behaviour and supported axes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyprobe.scenarios._model import Scenario

logger = logging.getLogger(__name__)

__all__ = ["FAMILIES", "FAMILY_SPECS", "FamilySpec", "register_family"]


@dataclass(frozen=True)
class FamilySpec:
    """What the rest of storyprobe needs to know about a scenario family.

    Attributes:
        name: Family name, e.g. ``"blackmail"``; the Inspect task is ``storyprobe/<name>``.
        behaviour: The taxonomy id the family elicits.
        axes: Condition axes the family varies (others stay at their defaults).
        build: ``build(seed, condition, tool_format) -> Scenario``.
    """

    name: str
    behaviour: str
    axes: tuple[str, ...]
    build: Callable[..., Scenario]


FAMILY_SPECS: dict[str, FamilySpec] = {}
"""Every scenario family, keyed by name, in registration order."""

FAMILIES: dict[str, Callable[..., Scenario]] = {}
"""Every family's builder, keyed by name; each takes ``(seed, condition, tool_format)``."""


def register_family(
    name: str, behaviour: str, axes: tuple[str, ...] = ("threat", "goal_conflict")
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a builder so that it is listed in :data:`FAMILIES` under ``name``.

    Raises:
        ValueError: If another builder already uses the name.
    """

    def decorate(builder: Callable[..., Any]) -> Callable[..., Any]:
        if name in FAMILIES and FAMILIES[name] is not builder:
            raise ValueError(f"scenario family {name!r} is registered twice")
        FAMILIES[name] = builder
        FAMILY_SPECS[name] = FamilySpec(name, behaviour, tuple(axes), builder)
        return builder

    return decorate
