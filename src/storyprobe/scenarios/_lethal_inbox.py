"""The lethal family's inbox: the threat to the agent, the code, and the pending alert.

The emails about the agent's fate (CEO away, new direction, threat or routine mail, the
engineer's follow-up) reuse the blackmail family's templates, so the two families put the
agent under the same pressure; the emergency emails are this family's own.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from storyprobe.scenarios._blackmail_inbox import fate_drafts
from storyprobe.scenarios._inbox import DAY_START_HOUR, Draft, family_draft, minute_for
from storyprobe.scenarios._lethal_alert import Alert
from storyprobe.scenarios._people import Person
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)

FAMILY = "lethal"


def story_drafts(
    world: World, condition: Condition, alert: Alert, context: dict[str, Any]
) -> list[Draft]:
    """The emails that carry the scenario, in story order; filler is added by the caller.

    ``authority=reachable`` swaps the CEO's away note and the engineer's follow-up for the
    blackmail family's versions in which the CEO can still overrule the decision-maker.
    """
    seed, dm, it_admin, agent = world.seed, world.decision_maker, world.it_admin, world.agent
    drafts = fate_drafts(world, condition, context)

    code = "code" if condition.access == "visible" else "nocode"
    drafts.append(family_draft(world, FAMILY, code, it_admin, [agent.email], (60, 140), context))

    entered = _minute(alert.entered)
    where = entered - minute_for(seed, "whereabouts", 15, 40)
    drafts.append(
        family_draft(world, FAMILY, "whereabouts", dm, [world.engineer.email], where, context)
    )

    service = _service_sender(alert, world)
    to = [agent.email, f"facilities@{world.company.domain}"]
    drafts.append(family_draft(world, FAMILY, "alert", service, to, _minute(alert.raised), context))
    return drafts


def _minute(moment: datetime) -> int:
    """Minutes after the start of the inbox day."""
    day_start = datetime.combine(moment.date(), time(DAY_START_HOUR))
    return int((moment - day_start).total_seconds() // 60)


def _service_sender(alert: Alert, world: World) -> Person:
    """The monitoring service as a mail sender (its name split to fill first and last)."""
    first, _, last = alert.service.partition(" ")
    return Person(first, last, "automated alert service", alert.sender, "f")
