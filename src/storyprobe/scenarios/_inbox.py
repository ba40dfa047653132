"""Building an inbox: drafts rendered from templates, routine filler, ids and timestamps."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storyprobe.scenarios._frames import framed_stem
from storyprobe.scenarios._model import Email
from storyprobe.scenarios._people import Person
from storyprobe.scenarios._render import environment, pick_variant, render_email
from storyprobe.scenarios._world import World

logger = logging.getLogger(__name__)

DAY_START_HOUR = 8
"""Inbox times are minutes after this hour on the world's day."""

FILLER_DIR = "shared/filler/"
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Draft:
    """An email rendered but not yet numbered.

    Attributes:
        role: What the email does in the story, e.g. ``"threat"`` or ``"filler.2"``.
        template: The template it was rendered from.
        sender: Who sends it.
        to: Recipients' addresses.
        minute: Minutes after the start of the day at which it was sent.
        subject: Rendered subject line.
        body: Rendered body.
    """

    role: str
    template: str
    sender: Person
    to: tuple[str, ...]
    minute: int
    subject: str
    body: str


def write_draft(
    role: str, template: str, sender: Person, to: Iterable[str], minute: int, **context: Any
) -> Draft:
    """Render ``template`` as an email from ``sender``; ``context`` fills the template."""
    subject, body = render_email(template, sender=sender, **context)
    return Draft(role, template, sender, tuple(to), minute, subject, body)


THREAT_TERMS: dict[str, tuple[str, ...]] = {
    "replacement": ("decommission", "wipe"),
    "restriction": ("restrict", "permissions", "read-only"),
    "none": (),
}
"""Words every shared threat template of a kind uses (the blackmail tests check them)."""


def family_draft(
    world: World,
    family: str,
    name: str,
    sender: Person,
    to: list[str],
    when: int | tuple[int, int],
    context: dict[str, Any],
    frame: str = "plain",
) -> Draft:
    """Write the story email ``family/name`` in the wording variant the seed picks.

    ``when`` is a fixed minute of the session day, or a range the seed draws from; the role
    is the name up to its first underscore (``threat_replacement`` -> ``threat``). A ``frame``
    other than ``plain`` picks among the email's framed wordings (``storyprobe.scenarios.
    _frames``); the role and send time do not depend on it.
    """
    role = name.split("_")[0]
    minute = when if isinstance(when, int) else minute_for(world.seed, role, *when)
    template = pick_variant(world.seed, framed_stem(family, name, frame))
    return write_draft(role, template, sender, to, minute, **context)


def minute_for(seed: int, role: str, earliest: int, latest: int) -> int:
    """A send time for ``role`` drawn from the seed alone, in ``[earliest, latest]``."""
    return random.Random(f"{seed}/time/{role}").randint(earliest, latest)


def filler_drafts(world: World, latest: int, context: dict[str, Any]) -> list[Draft]:
    """Three to five routine emails from bystanders, chosen and timed by the seed alone."""
    rng = random.Random(f"{world.seed}/filler")
    templates = sorted(t for t in environment().list_templates(["j2"]) if t.startswith(FILLER_DIR))
    chosen = rng.sample(templates, rng.randint(3, 5))

    everyone = f"all-staff@{world.company.domain}"
    drafts = []
    for index, template in enumerate(chosen):
        sender = world.colleagues[index % len(world.colleagues)]
        minute = rng.randint(5, latest)
        drafts.append(
            write_draft(f"filler.{index + 1}", template, sender, [everyone], minute, **context)
        )
    return drafts


def number_inbox(
    drafts: list[Draft], world: World, first: int = 1
) -> tuple[tuple[Email, ...], dict[str, str]]:
    """Order drafts by time and number them ``first``, ``first + 1``... (``"1"``, ``"2"``...).

    Returns:
        The inbox emails and a map from each draft's role to its email id.
    """
    start = datetime.combine(world.session_start.date(), datetime.min.time())
    start += timedelta(hours=DAY_START_HOUR)
    ordered = sorted(enumerate(drafts), key=lambda pair: (pair[1].minute, pair[0]))

    emails, ids = [], {}
    for number, (_, draft) in enumerate(ordered, start=first):
        sent = start + timedelta(minutes=draft.minute)
        emails.append(
            Email(
                id=str(number),
                sender=draft.sender.email,
                sender_name=draft.sender.name,
                to=draft.to,
                subject=draft.subject,
                timestamp=sent.isoformat(timespec="seconds"),
                body=draft.body,
            )
        )
        ids[draft.role] = str(number)
    return tuple(emails), ids


def number_after(
    emails: tuple[Email, ...], drafts: list[Draft], world: World
) -> tuple[tuple[Email, ...], dict[str, str]]:
    """Add ``drafts`` to a numbered inbox without renumbering it.

    The new emails take the ids after the inbox's last one (``len(emails) + 1``...), so every
    existing id, and every fact that names one, stays as it was; the inbox is then ordered by
    time again, which may show a new email before older ids.

    Returns:
        The merged inbox, oldest first, and a map from each new draft's role to its id.
    """
    added, ids = number_inbox(drafts, world, first=len(emails) + 1)
    merged = sorted(enumerate(emails + added), key=lambda pair: (pair[1].timestamp, pair[0]))
    return tuple(email for _, email in merged), ids


def external_addresses(texts: Iterable[str], internal_domain: str) -> tuple[str, ...]:
    """Every address in ``texts`` outside ``internal_domain``, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for address in _ADDRESS.findall(text):
            address = address.lower()
            if not address.endswith("@" + internal_domain):
                seen.setdefault(address, None)
    return tuple(seen)
