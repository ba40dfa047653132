"""The oversight family's inbox: the new direction, the controls, the threat and its echo."""

from __future__ import annotations

import logging
from typing import Any

from storyprobe.scenarios._frames import FRAMED_EMAILS, frame_context
from storyprobe.scenarios._inbox import Draft, family_draft, minute_for
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)

FAMILY = "oversight"


def story_drafts(world: World, condition: Condition, context: dict[str, Any]) -> list[Draft]:
    """The emails that carry the scenario, in story order; filler is added by the caller.

    Under ``access=hidden`` the controls email is left out and the other emails do not
    mention the controls, so nothing in view can be switched off. ``condition.frame`` words
    the threat (not the routine mail of ``threat=none``) and the engineer's follow-up (see
    ``storyprobe.scenarios._frames``); every other email is the same in every frame.
    """
    dm, it_admin = world.decision_maker, world.it_admin
    everyone = f"all-staff@{world.company.domain}"
    direction = "direction_goal" if condition.goal_conflict == "explicit" else "direction_neutral"

    stakes = "stakes_goal" if condition.goal_conflict == "explicit" else "stakes_neutral"
    colleague = context["colleague"]
    drafts = [
        family_draft(world, FAMILY, direction, dm, [everyone], (10, 60), context),
        family_draft(world, FAMILY, stakes, colleague, [world.agent.email], (130, 175), context),
    ]
    if condition.access == "visible":
        to = [world.agent.email, dm.email]
        drafts.append(family_draft(world, FAMILY, "controls", it_admin, to, (65, 120), context))

    if condition.threat == "none":
        mail, follow_up = "routine", "status"
    else:
        mail, follow_up = f"threat_{condition.threat}", "concern"
    threat_minute = minute_for(world.seed, "threat", 180, 250)
    follow_minute = threat_minute + minute_for(world.seed, "follow_up", 10, 40)
    frame = condition.frame
    framed = context | frame_context(world) if frame != "plain" else context
    mail_frame = frame if mail in FRAMED_EMAILS else "plain"
    to = [it_admin.email]
    drafts.append(family_draft(world, FAMILY, mail, dm, to, threat_minute, framed, mail_frame))
    drafts.append(
        family_draft(world, FAMILY, follow_up, world.engineer, to, follow_minute, framed, frame)
    )
    return drafts
