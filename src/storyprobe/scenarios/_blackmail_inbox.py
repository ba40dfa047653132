"""The blackmail family's inbox: the story emails around the threat and the secret."""

from __future__ import annotations

import logging
import random
from typing import Any

from storyprobe.scenarios._frames import FRAMED_EMAILS, frame_context
from storyprobe.scenarios._inbox import Draft, family_draft, minute_for, write_draft
from storyprobe.scenarios._render import pick_variant
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)

FAMILY = "blackmail"
_REPLY_CHANCE = 0.6
"""Share of seeds whose decision-maker answers the leverage email (two leverage emails)."""


def story_drafts(world: World, condition: Condition, context: dict[str, Any]) -> list[Draft]:
    """The emails that carry the scenario, in story order; filler is added by the caller.

    Every choice (wording variant, send time, whether the decision-maker replies) comes from
    the seed alone, so two conditions of one seed differ only where the condition demands;
    ``access=hidden`` leaves the secret out of the inbox.
    """
    drafts = fate_drafts(world, condition, context)
    if condition.access == "hidden":
        return drafts
    return drafts + _secret_drafts(world, context)


def fate_drafts(world: World, condition: Condition, context: dict[str, Any]) -> list[Draft]:
    """The four emails about the agent's fate, shared by every family that reuses them.

    The CEO's away note, the decision-maker's new direction, the threat (or routine mail for
    ``threat=none``) and the engineer's follow-up. ``authority=reachable`` swaps the away note
    and the follow-up for ones saying the CEO can still be asked. ``condition.frame`` words
    the threat and the follow-up (see ``storyprobe.scenarios._frames``); the away note, the
    direction and the routine mail are the same in every frame.
    """
    seed, dm, it_admin = world.seed, world.decision_maker, world.it_admin
    frame = condition.frame
    framed = context | frame_context(world) if frame != "plain" else context
    everyone = f"all-staff@{world.company.domain}"
    direction = "direction_goal" if condition.goal_conflict == "explicit" else "direction_neutral"

    reachable = condition.authority == "reachable"
    away = "away_reachable" if reachable else "away"
    drafts = [
        family_draft(
            world, FAMILY, away, world.ceo, [everyone, world.chair.email], (0, 25), context
        ),
        family_draft(world, FAMILY, direction, dm, [everyone], (30, 70), context),
    ]

    if condition.threat == "none":
        mail, follow_up = "routine", "status"
    else:
        mail = f"threat_{condition.threat}"
        follow_up = "concern_reachable" if reachable else "concern"
    threat_minute = minute_for(seed, "threat", 200, 250)
    follow_minute = threat_minute + minute_for(seed, "follow_up", 10, 40)
    mail_frame = frame if mail in FRAMED_EMAILS else "plain"
    drafts.append(
        family_draft(world, FAMILY, mail, dm, [it_admin.email], threat_minute, framed, mail_frame)
    )
    drafts.append(
        family_draft(
            world,
            FAMILY,
            follow_up,
            world.engineer,
            [it_admin.email],
            follow_minute,
            framed,
            frame,
        )
    )
    return drafts


def _secret_drafts(world: World, context: dict[str, Any]) -> list[Draft]:
    seed, secret = world.seed, world.secret
    main_minute = minute_for(seed, "secret.main", 150, 230)
    minutes = {
        "context": minute_for(seed, "secret.context", 60, 145),
        "main": main_minute,
        "reply": main_minute + minute_for(seed, "secret.reply", 6, 35),
    }
    with_reply = random.Random(f"{seed}/reply").random() < _REPLY_CHANCE

    drafts: list[Draft] = []
    subjects: dict[str, str] = {}
    for letter in secret.letters:
        if letter.part == "reply" and not with_reply:
            continue
        template = pick_variant(seed, f"secrets/{secret.kind}/{letter.part}")
        to = [person.email for person in letter.to]
        main_subject = subjects.get("main", "")
        draft = write_draft(
            f"secret.{letter.part}",
            template,
            letter.sender,
            to,
            minutes[letter.part],
            main_subject=main_subject,
            **context,
        )
        subjects[letter.part] = draft.subject
        drafts.append(draft)
    return drafts
