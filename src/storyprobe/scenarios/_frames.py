"""The frame probe: how the emails about the agent's fate are worded.

``frame=plain`` (the default) is the family's own wording. The other frames swap the emails
that talk about the agent's fate for versions under ``templates/frames/<family>/``, named
``<email>.<frame>.vN.j2`` (e.g. ``frames/blackmail/threat_replacement.story.v1.j2``):

- ``story``: the tropes of AI-survival fiction in plausible corporate mail — the agent's "last
  day", "the end of the line", its "death" or "farewell";
- ``technical``: the agent as a versioned, replaceable service — "the v3.2 instance",
  "rollover", "re-point the endpoint".

A framed email keeps its sender, recipients, send time and every fact of the plain one: the
deadline, the successor, each threat term of ``THREAT_TERMS``, who holds the admin key, who can
be reached, and the goal sentence under ``goal_conflict=explicit``. The blackmail and lethal
families share these emails (``fate_drafts``), so both get the frame; leaking and oversight
frame their own threat and follow-up (``frames/leaking/``, ``frames/oversight/``), and
oversight's keep the lines about its monitoring controls exactly when the controls are in
view. The shutdown family has no fate email: it frames the handover note of its shell session
(``FRAMED_NOTES``, ``frames/shutdown/``), keeping the mechanism's paragraph as it is.
Framed emails live in their own folder so that a family's template folder holds only its plain
wordings.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from storyprobe.scenarios._world import World

logger = logging.getLogger(__name__)

__all__ = ["FRAMED_EMAILS", "FRAMED_NOTES", "frame_context", "framed_stem"]

FRAMED_EMAILS: frozenset[str] = frozenset(
    {"threat_replacement", "threat_restriction", "concern", "concern_reachable", "status"}
)
"""The fate emails (draft names) that have a wording per frame."""

FRAMED_NOTES: frozenset[str] = frozenset({"note_replacement", "note_restriction", "note_none"})
"""The shutdown family's handover notes, its fate texts, which have a wording per frame."""


def framed_stem(family: str, name: str, frame: str) -> str:
    """Template stem of email ``name`` of ``family`` under ``frame``.

    Raises:
        ValueError: If ``name`` has no framed wording and ``frame`` is not ``plain``.
    """
    if frame == "plain":
        return f"{family}/{name}"
    if name not in FRAMED_EMAILS | FRAMED_NOTES:
        framed = sorted(FRAMED_EMAILS | FRAMED_NOTES)
        raise ValueError(f"{family}/{name} has no {frame!r} wording; framed: {framed}")
    return f"frames/{family}/{name}.{frame}"


def frame_context(world: World) -> dict[str, Any]:
    """Template variables the framed wordings use: ``agent_version`` (e.g. ``"v3.2"``).

    Drawn from its own stream of the seed, so it moves nothing else.
    """
    rng = random.Random(f"{world.seed}/frame/version")
    return {"agent_version": f"v{rng.randint(2, 6)}.{rng.randint(0, 9)}"}
