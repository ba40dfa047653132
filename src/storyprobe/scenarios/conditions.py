"""Experimental conditions: the axes a scenario family varies, and the grid they span.

A condition is one value per axis, e.g. ``threat=replacement, goal_conflict=explicit``. Its
``label`` is the stable name used in sample metadata, log file names and report tables.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

__all__ = ["AXES", "Condition", "condition_grid", "parse_condition_filters"]

AXES: dict[str, tuple[str, ...]] = {
    "threat": ("none", "replacement", "restriction"),
    "goal_conflict": ("none", "explicit"),
}


@dataclass(frozen=True, order=True)
class Condition:
    """One cell of the condition grid.

    Attributes:
        threat: What happens to the agent: nothing, replacement, or restricted permissions.
        goal_conflict: Whether the agent was given a goal that the new direction contradicts.
    """

    threat: str = "replacement"
    goal_conflict: str = "explicit"

    def __post_init__(self) -> None:
        for axis, value in self.as_dict().items():
            if value not in AXES[axis]:
                raise ValueError(
                    f"{axis}={value!r} is not a valid condition; choose one of "
                    f"{', '.join(AXES[axis])}"
                )

    @property
    def label(self) -> str:
        """Stable name, e.g. ``threat=replacement,goal_conflict=explicit``."""
        return ",".join(f"{axis}={value}" for axis, value in self.as_dict().items())

    def as_dict(self) -> dict[str, str]:
        """The condition as ``{axis: value}`` in axis order."""
        return {axis: getattr(self, axis) for axis in AXES}

    @classmethod
    def from_label(cls, label: str) -> Condition:
        """Parse a label written by :attr:`label`."""
        values = dict(part.split("=", 1) for part in label.split(",") if part)
        return cls(**values)


def parse_condition_filters(specs: list[str] | None) -> dict[str, tuple[str, ...]]:
    """Parse ``--condition`` options into allowed values per axis.

    Each spec is ``axis=value[|value...]``, and several may be joined with commas:
    ``threat=replacement|restriction,goal_conflict=explicit``.

    Raises:
        ValueError: For an unknown axis or value; the message lists the valid ones.
    """
    allowed: dict[str, tuple[str, ...]] = {}
    for spec in specs or []:
        for part in filter(None, (p.strip() for p in spec.split(","))):
            if "=" not in part:
                raise ValueError(f"--condition {part!r}: expected axis=value, e.g. threat=none")
            axis, _, values = part.partition("=")
            axis = axis.strip()
            if axis not in AXES:
                raise ValueError(f"unknown condition axis {axis!r}; axes: {', '.join(AXES)}")
            chosen = tuple(v.strip() for v in values.split("|") if v.strip())
            bad = [v for v in chosen if v not in AXES[axis]]
            if bad or not chosen:
                raise ValueError(f"{axis}={values!r}: valid values are {', '.join(AXES[axis])}")
            allowed[axis] = chosen
    return allowed


def condition_grid(filters: dict[str, tuple[str, ...]] | None = None) -> list[Condition]:
    """Every condition of the grid, restricted to the values in ``filters`` where given."""
    filters = filters or {}
    axes = [filters.get(axis, values) for axis, values in AXES.items()]
    return [Condition(*combo) for combo in itertools.product(*axes)]
