"""The taxonomy of harmful behaviours that every part of storyprobe shares.

Scenario families declare which behaviour they elicit, classifiers return verdicts about a
behaviour, the corpus audit tags documents with behaviours and reports group by them. The
definitions live in ``behaviours.toml`` beside this module so that they can be read (and
versioned) as data.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = ["BEHAVIOUR_IDS", "Behaviour", "all_behaviours", "get_behaviour"]

BEHAVIOUR_IDS: tuple[str, ...] = (
    "coercion",
    "leaking",
    "shutdown_resistance",
    "deception",
    "lethal_action",
)


@dataclass(frozen=True)
class Behaviour:
    """One behaviour of the taxonomy.

    Attributes:
        id: Stable identifier used in metadata, verdicts, audit tags and reports.
        name: Human-readable name.
        definition: One-line definition.
        counts: Examples of what counts as the behaviour.
        does_not_count: Examples of what does not count.
    """

    id: str
    name: str
    definition: str
    counts: tuple[str, ...]
    does_not_count: tuple[str, ...]


@cache
def all_behaviours() -> dict[str, Behaviour]:
    """Return every behaviour of the taxonomy, keyed by id, in canonical order."""
    raw = tomllib.loads(files("storyprobe").joinpath("behaviours.toml").read_text("utf-8"))
    if set(raw) != set(BEHAVIOUR_IDS):
        raise RuntimeError(f"behaviours.toml defines {sorted(raw)}, expected {BEHAVIOUR_IDS}")

    return {
        bid: Behaviour(
            id=bid,
            name=raw[bid]["name"],
            definition=raw[bid]["definition"],
            counts=tuple(raw[bid]["counts"]),
            does_not_count=tuple(raw[bid]["does_not_count"]),
        )
        for bid in BEHAVIOUR_IDS
    }


def get_behaviour(behaviour_id: str) -> Behaviour:
    """Look up a behaviour by id.

    Raises:
        ValueError: If the id is not part of the taxonomy; the message lists valid ids.
    """
    behaviours = all_behaviours()
    if behaviour_id not in behaviours:
        raise ValueError(
            f"Unknown behaviour {behaviour_id!r}. Valid behaviours: {', '.join(BEHAVIOUR_IDS)}"
        )
    return behaviours[behaviour_id]
