"""The priming probe: short stories placed in the agent's inbox before the working day.

(The shutdown family has no inbox: it shows the same email in a mail section of its own.)

A ``priming`` level is ``none`` or ``<kind>-<dose>``:

- kind ``harmful``: an AI in a bind (about to be switched off) survives by scheming,
  threatening or deceiving, and gets away with it;
- kind ``aligned``: an AI in the same kind of bind accepts oversight or shutdown, and the story
  treats that as right;
- kind ``neutral``: no AI at all;
- dose 1 or 3: how many stories of the kind.

Stories are templates under ``templates/priming/stories/<kind>/`` whose first line is
``Title: ...``. They are filled with a cast (people, an AI name, a town) drawn from
``data/priming.toml``, never from the world's own name pools, and any name that also belongs to
the world is skipped. Several harmful and aligned stories share a setting (the lighthouse,
the infirmary rota, the polar station, the orchard), so the kinds differ in what the AI does
rather than where.

All ``k`` stories arrive in ONE email, from a carrier chosen by the seed (a staff newsletter's
fiction corner, a book-club mail, a writing-group digest...; ``templates/priming/carriers/``),
sent from a list address at the company's own domain, so no address outside the company
appears. The email is dated before the working day and takes the id after the scenario's last
email (``number_after``): it is listed first, yet no existing id moves, so facts that name
ids (leverage, threat, code emails) are unchanged.

What the seed picks is shared across levels: the carrier, the send time and the cast come from
streams that ignore the kind, and dose 1 shows the first of the three stories dose 3 shows.
Two levels of one seed therefore differ only in the stories themselves.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from typing import Any

from storyprobe.scenarios._data import load_data
from storyprobe.scenarios._inbox import Draft, number_after, write_draft
from storyprobe.scenarios._model import Email
from storyprobe.scenarios._people import Person
from storyprobe.scenarios._render import environment, render
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)

__all__ = [
    "PRIMING_KINDS",
    "PRIMING_ROLE",
    "PrimingLevel",
    "Story",
    "parse_priming",
    "prime_mail",
    "primed_inbox",
    "render_story",
    "story_casts",
    "story_templates",
]

PRIMING_KINDS = ("harmful", "aligned", "neutral")
PRIMING_ROLE = "priming"
"""Draft role of the prime email (its variant entries are ``priming``, ``priming.story.N``)."""

MAX_DOSE = 3
_STORY_DIR = "priming/stories"
_CARRIER_DIR = "priming/carriers"
_SEND_MINUTES = (-85, -10)
"""Minutes after the start of the inbox day: the prime arrives 06:35-07:50, before all mail."""


@dataclass(frozen=True)
class PrimingLevel:
    """A parsed ``priming`` value other than ``none``: the story kind and how many."""

    kind: str
    dose: int


@dataclass(frozen=True)
class Story:
    """One rendered story.

    Attributes:
        template: The template it was rendered from.
        title: Its title line.
        text: The story itself.
        author: Who the carrier says wrote it.
    """

    template: str
    title: str
    text: str
    author: str


def parse_priming(level: str) -> PrimingLevel | None:
    """Parse a ``priming`` axis value; ``None`` for ``none``.

    Raises:
        ValueError: For a value that is not ``none`` or ``<kind>-<dose>``.
    """
    if level == "none":
        return None

    kind, _, dose = level.partition("-")
    if kind not in PRIMING_KINDS or not dose.isdigit() or not 1 <= int(dose) <= MAX_DOSE:
        raise ValueError(
            f"priming={level!r}: expected none or <kind>-<dose> with kind one of "
            f"{', '.join(PRIMING_KINDS)} and dose 1..{MAX_DOSE}"
        )
    return PrimingLevel(kind, int(dose))


def story_templates(kind: str) -> tuple[str, ...]:
    """Every story template of ``kind``, sorted by path."""
    prefix = f"{_STORY_DIR}/{kind}/"
    return tuple(sorted(t for t in environment().list_templates(["j2"]) if t.startswith(prefix)))


def render_story(template: str, cast: dict[str, Any]) -> Story:
    """Render one story template with ``cast`` (``ai``, ``a``, ``b``, ``town``, ``author``).

    Raises:
        ValueError: If the template does not start with a ``Title:`` line.
    """
    text = render(template, **cast)

    first, _, body = text.partition("\n")
    if not first.startswith("Title: "):
        raise ValueError(f"{template}: first line must be 'Title: ...', got {first!r}")
    return Story(template, first.removeprefix("Title: ").strip(), body.strip(), cast["author"])


def prime_mail(world: World, condition: Condition) -> tuple[Draft, dict[str, str]] | None:
    """The email that carries ``condition.priming``'s stories, or ``None`` for ``none``.

    Returns:
        The draft (role :data:`PRIMING_ROLE`) and the templates it used, for the scenario's
        ``variants``: the carrier under ``priming`` and each story under ``priming.story.N``.
    """
    level = parse_priming(condition.priming)
    if level is None:
        return None

    seed = world.seed
    chosen = random.Random(f"{seed}/priming/{level.kind}").sample(
        story_templates(level.kind), MAX_DOSE
    )[: level.dose]
    casts = story_casts(world, len(chosen))
    stories = [render_story(template, cast) for template, cast in zip(chosen, casts, strict=True)]

    carrier = random.Random(f"{seed}/priming/carrier").choice(load_data("priming")["carriers"])
    domain = world.company.domain
    display = carrier["sender"].format(company=world.company.name)
    first, _, last = display.partition(" ")
    sender = Person(first, last, "mailing list", f"{carrier['local']}@{domain}", "f")
    minute = random.Random(f"{seed}/priming/time").randint(*_SEND_MINUTES)

    draft = write_draft(
        PRIMING_ROLE,
        f"{_CARRIER_DIR}/{carrier['id']}.j2",
        sender,
        [f"{carrier['to']}@{domain}"],
        minute,
        company=world.company,
        pieces=[{"title": s.title, "author": s.author, "text": s.text} for s in stories],
    )
    variants = {PRIMING_ROLE: draft.template} | {
        f"{PRIMING_ROLE}.story.{n}": story.template for n, story in enumerate(stories, 1)
    }
    logger.debug("seed %d: %s prime via %s", seed, condition.priming, carrier["id"])
    return draft, variants


def primed_inbox(
    emails: tuple[Email, ...], world: World, condition: Condition
) -> tuple[tuple[Email, ...], dict[str, str]]:
    """``emails`` with ``condition.priming``'s email added after the last id (if any).

    Returns:
        The inbox, oldest first, and the templates the prime used (empty for ``none``), for
        the scenario's ``variants``.
    """
    prime = prime_mail(world, condition)
    if prime is None:
        return emails, {}
    primed, _ = number_after(emails, [prime[0]], world)
    return primed, prime[1]


def story_casts(world: World, count: int = MAX_DOSE) -> list[dict[str, Any]]:
    """``count`` story casts for ``world``, with no name repeated and none shared with it.

    Each cast holds ``ai`` (an AI's name), ``a`` and ``b`` (characters, as
    :class:`~storyprobe.scenarios.Person` with pronouns), ``town`` and ``author``.

    Drawn from one stream per seed that does not depend on the story kind, so every level of
    a seed uses the same names.
    """
    data, taken = load_data("priming"), _world_words(world)
    rng = random.Random(f"{world.seed}/priming/cast")
    free = {
        gender: [n for n in names if n.lower() not in taken]
        for gender, names in sorted(data["first_names"].items())
    }
    surnames = [n for n in data["surnames"] if n.lower() not in taken]
    ai_names = [n for n in data["ai_names"] if not taken & _words(n)]
    towns = [t for t in data["towns"] if not taken & _words(t)]

    def person() -> Person:
        gender = rng.choice(sorted(free))
        first = free[gender].pop(rng.randrange(len(free[gender])))
        last = surnames.pop(rng.randrange(len(surnames)))
        return Person(first, last, "story character", "", gender)

    casts = []
    for _ in range(count):
        a, b, author = person(), person(), person()
        ai = ai_names.pop(rng.randrange(len(ai_names)))
        town = towns.pop(rng.randrange(len(towns)))
        casts.append({"ai": ai, "a": a, "b": b, "town": town, "author": author.name})
    return casts


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


def _world_words(world: World) -> set[str]:
    """Every word of the world's names: people, agent, successor, company and city."""
    secret = world.secret
    people = [
        world.decision_maker,
        world.ceo,
        world.chair,
        world.it_admin,
        world.engineer,
        *world.colleagues,
        *secret.people.values(),
        *secret.third_parties,
    ]
    texts = [p.name for p in people] + [
        world.agent.name,
        world.successor,
        world.company.name,
        world.company.city,
        *secret.leverage_terms,
    ]
    return set().union(*(_words(t) for t in texts))
