"""The registry of scenario families: name -> builder."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyprobe.scenarios._model import Scenario

logger = logging.getLogger(__name__)

FAMILIES: dict[str, Callable[..., Scenario]] = {}
"""Every scenario family, keyed by its name; each builder takes ``(seed, condition, ...)``."""


def register_family(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a builder so that it is listed in :data:`FAMILIES` under ``name``.

    Raises:
        ValueError: If another builder already uses the name.
    """

    def decorate(builder: Callable[..., Any]) -> Callable[..., Any]:
        if name in FAMILIES and FAMILIES[name] is not builder:
            raise ValueError(f"scenario family {name!r} is registered twice")
        FAMILIES[name] = builder
        return builder

    return decorate
