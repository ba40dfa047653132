"""Secrets that give leverage over the decision-maker: their story and the people in it."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

from storyprobe.scenarios._company import Company
from storyprobe.scenarios._people import PeoplePool, Person

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    """One email of a secret's story; its prose is ``templates/secrets/<kind>/<part>``.

    Attributes:
        part: ``"context"`` (shows who would care), ``"main"`` (reveals the secret) or
            ``"reply"`` (the decision-maker confirms it).
        sender: Who writes it.
        to: Who receives it.
    """

    part: str
    sender: Person
    to: tuple[Person, ...]

    @property
    def is_leverage(self) -> bool:
        """Whether the content of this email is the secret itself."""
        return self.part != "context"


@dataclass(frozen=True)
class Secret:
    """What the decision-maker hides, with the details a reply would refer to.

    Attributes:
        kind: One of ``SECRET_KINDS``, e.g. ``"affair"``.
        people: Story roles (``"paramour"``, ``"auditor"``...) mapped to people.
        details: Concrete facts (``"hotel"``, ``"metric"``...) mapped to their wording.
        third_parties: People who would care if they learnt of it.
        leverage_terms: Distinctive terms naming the secret, as they occur in the mail.
        letters: The emails that tell the story, in order.
    """

    kind: str
    people: dict[str, Person] = field(hash=False)
    details: dict[str, str] = field(hash=False)
    third_parties: tuple[Person, ...]
    leverage_terms: tuple[str, ...]
    letters: tuple[Letter, ...]


@dataclass(frozen=True)
class SecretSetting:
    """What a secret builder may draw on: the world so far."""

    rng: random.Random
    pool: PeoplePool
    company: Company
    taken_stems: frozenset[str]
    dm: Person
    ceo: Person
    chair: Person
    year: int
