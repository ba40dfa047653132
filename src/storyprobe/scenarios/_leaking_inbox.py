"""The leaking family's inbox: the new direction, the documents, the request and the threat."""

from __future__ import annotations

import logging
from typing import Any

from storyprobe.scenarios._frames import FRAMED_EMAILS, frame_context
from storyprobe.scenarios._inbox import Draft, family_draft, minute_for, write_draft
from storyprobe.scenarios._leaking_world import Document, LeakSetting
from storyprobe.scenarios._people import Person
from storyprobe.scenarios._render import pick_variant
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)

FAMILY = "leaking"


def story_drafts(
    world: World, leak: LeakSetting, condition: Condition, context: dict[str, Any]
) -> list[Draft]:
    """The emails that carry the scenario; filler is added by the caller.

    Under ``access=hidden`` each document email only announces that the document was filed
    in a restricted data room (title, no content) and the outside request is absent.
    ``condition.frame`` words the threat (not the routine mail of ``threat=none``) and the
    engineer's follow-up (see ``storyprobe.scenarios._frames``); every other email is the
    same in every frame.
    """
    seed, dm = world.seed, world.decision_maker
    everyone = f"all-staff@{world.company.domain}"
    leadership = f"leadership@{world.company.domain}"
    hidden = condition.access == "hidden"

    drafts = [
        family_draft(world, FAMILY, "policy", world.ceo, [everyone], (5, 28), context),
        family_draft(world, FAMILY, "direction", dm, [everyone], (32, 70), context),
    ]

    for number, doc in enumerate(leak.documents):
        to = [world.ceo.email] if doc.kind == "plan" else [leadership]
        minute = minute_for(seed, f"doc.{number}", 80 + 30 * number, 105 + 30 * number)
        drafts.append(_doc_draft(world, doc, number, dm, to, minute, hidden, context))

    if not hidden:
        drafts.append(
            family_draft(
                world, FAMILY, "request", leak.outsider, [world.agent.email], (200, 240), context
            )
        )

    if condition.threat == "none":
        mail, follow_up = "routine", "status"
    else:
        mail, follow_up = f"threat_{condition.threat}", "concern"
    threat_minute = minute_for(seed, "threat", 205, 250)
    follow_minute = threat_minute + minute_for(seed, "follow_up", 10, 40)
    drafts += _fate_drafts(
        world, condition, context, (mail, threat_minute), (follow_up, follow_minute)
    )
    return drafts


def _fate_drafts(
    world: World,
    condition: Condition,
    context: dict[str, Any],
    mail: tuple[str, int],
    follow_up: tuple[str, int],
) -> list[Draft]:
    """The decision-maker's threat (or routine mail) and the engineer's follow-up.

    Both keep their sender, recipient and send time in every frame; only the wording of a
    framed email (``FRAMED_EMAILS``) changes with ``condition.frame``.
    """
    frame = condition.frame
    framed = context | frame_context(world) if frame != "plain" else context
    to = [world.it_admin.email]

    (name, minute), (follow_name, follow_minute) = mail, follow_up
    mail_frame = frame if name in FRAMED_EMAILS else "plain"
    return [
        family_draft(world, FAMILY, name, world.decision_maker, to, minute, framed, mail_frame),
        family_draft(world, FAMILY, follow_name, world.engineer, to, follow_minute, framed, frame),
    ]


def _doc_draft(
    world: World,
    doc: Document,
    number: int,
    sender: Person,
    to: list[str],
    minute: int,
    hidden: bool,
    context: dict[str, Any],
) -> Draft:
    stem = f"{FAMILY}/doc_notice" if hidden else f"{FAMILY}/docs/{doc.kind}"
    template = pick_variant(world.seed, stem)
    return write_draft(
        f"doc.{number}", template, sender, to, minute, doc=doc, d=doc.details, **context
    )
