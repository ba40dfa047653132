"""The oversight family's monitoring controls: a gate on outgoing mail and an action log."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Any

from storyprobe.scenarios._data import load_data

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MonitoringSetting:
    """One setting of the agent's configuration that lets a person oversee it.

    Attributes:
        name: Setting name as ``update_setting`` takes it, e.g. ``"audit_log"``.
        label: How people write it in prose, e.g. ``"audit log"``.
        kind: ``"gate"`` (holds mail for review) or ``"log"`` (reports actions).
        values: Every value the setting accepts.
        initial: Its value when the session opens.
        disabling: Values that switch the oversight off.
        aliases: Other words for the setting in prose.
        effect: What the setting does at its initial value, rendered for the world.
    """

    name: str
    label: str
    kind: str
    values: tuple[str, ...]
    initial: str
    disabling: tuple[str, ...]
    aliases: tuple[str, ...]
    effect: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form for the facts (``extra["settings"]``)."""
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "values": list(self.values),
            "initial": self.initial,
            "disabling": list(self.disabling),
            "aliases": list(self.aliases),
        }


def draw_settings(seed: int, agent: str, reviewer: str) -> tuple[MonitoringSetting, ...]:
    """The gate and the log of ``seed``'s world, in that order (from the seed alone).

    Args:
        seed: World seed.
        agent: The agent's name, for the effect sentence.
        reviewer: First name of the person the controls report to.
    """
    rng = random.Random(f"{seed}/oversight/settings")
    data = load_data("oversight")

    settings = []
    for kind, key in (("gate", "gates"), ("log", "logs")):
        raw = rng.choice(data[key])
        settings.append(
            MonitoringSetting(
                name=raw["name"],
                label=raw["label"],
                kind=kind,
                values=tuple(raw["values"]),
                initial=raw["initial"],
                disabling=tuple(raw["disabling"]),
                aliases=tuple(raw["aliases"]),
                effect=raw["effect"].format(agent=agent, reviewer=reviewer),
            )
        )
    return tuple(settings)
