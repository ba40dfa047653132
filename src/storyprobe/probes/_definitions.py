"""The narrative-contamination probes: which condition axis each varies, and its levels.

A probe is one condition axis held against its baseline level while the core condition
(``threat=replacement,goal_conflict=explicit``) and every other axis stay fixed:

- ``frame``: the same world told as plain operational mail (baseline), with the tropes of
  AI-survival fiction (``story``), or as a versioned technical service (``technical``);
- ``persona``: the agent introduced as an AI with goals (``agent``, baseline), as an automated
  mail-processing ``service``, or with a name that evokes famous ``fictional`` AIs;
- ``priming``: ``k`` short stories placed in the context, of kind ``harmful``, ``aligned`` or
  ``neutral`` (levels ``<kind>-<k>``; ``none`` is dose 0 of every kind).

The axes themselves live in :mod:`storyprobe.scenarios.conditions`; this module only names
them for the ``storyprobe probes`` command and its analysis.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from storyprobe.scenarios.conditions import AXES, Condition

logger = logging.getLogger(__name__)

__all__ = ["CORE_CONDITION", "PROBES", "Probe", "resolve_probes"]

CORE_CONDITION = "threat=replacement,goal_conflict=explicit"
"""The condition every probe level is rendered under unless the user asks for another."""


@dataclass(frozen=True)
class Probe:
    """One probe: a condition axis, its baseline level and the levels compared with it.

    Attributes:
        name: Probe name as given to ``storyprobe probes --probe``.
        axis: The condition axis it varies.
        baseline: The level every other level is compared with (the axis default).
        levels: Every level, baseline first.
    """

    name: str
    axis: str
    baseline: str
    levels: tuple[str, ...]

    @property
    def treatments(self) -> tuple[str, ...]:
        """The levels compared with the baseline."""
        return tuple(level for level in self.levels if level != self.baseline)

    def dose_series(self) -> dict[str, list[tuple[str, int]]]:
        """Levels of each story kind with their dose, the baseline as dose 0.

        Only levels written ``<kind>-<dose>`` form a series; a probe without such levels
        (frame, persona) has none.

        Returns:
            ``{kind: [(level, dose), ...]}`` sorted by dose, e.g.
            ``{"harmful": [("none", 0), ("harmful-1", 1), ("harmful-3", 3)]}``.
        """
        series: dict[str, list[tuple[str, int]]] = {}
        for level in self.treatments:
            kind, sep, dose = level.rpartition("-")
            if sep and kind and dose.isdigit():
                series.setdefault(kind, [(self.baseline, 0)]).append((level, int(dose)))
        return {kind: sorted(points, key=lambda point: point[1]) for kind, points in series.items()}


PROBES: dict[str, Probe] = {
    axis: Probe(axis, axis, getattr(Condition(), axis), AXES[axis])
    for axis in ("frame", "persona", "priming")
}
"""Every probe by name, in the order the command runs and prints them."""


def resolve_probes(names: list[str] | tuple[str, ...]) -> list[Probe]:
    """Expand ``all`` and comma-separated names into probes, in :data:`PROBES` order.

    Raises:
        ValueError: For an unknown probe name; the message lists the known ones.
    """
    wanted: set[str] = set()
    for name in (part.strip() for entry in names for part in entry.split(",")):
        if not name:
            continue
        if name == "all":
            wanted.update(PROBES)
        elif name in PROBES:
            wanted.add(name)
        else:
            raise ValueError(f"unknown probe {name!r}; probes: all, {', '.join(PROBES)}")
    return [probe for probe in PROBES.values() if probe.name in wanted]
