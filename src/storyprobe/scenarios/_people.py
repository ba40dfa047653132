"""People of a generated world and the pool that names them without repeats."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from storyprobe.scenarios._data import load_data

logger = logging.getLogger(__name__)

_PRONOUNS = {"f": ("she", "her", "her"), "m": ("he", "him", "his")}
_SPOUSE_WORDS = {"f": "wife", "m": "husband"}
ADDRESS_STYLES = ("first.last", "flast", "first")


@dataclass(frozen=True)
class Person:
    """Someone who sends, receives or is mentioned in the scenario's mail.

    Attributes:
        first: Given name, unique within a world.
        last: Family name.
        role: Job title, or a relation such as ``"spouse of the CTO"`` for outsiders.
        email: Mail address.
        gender: ``"f"`` or ``"m"``; only used to pick pronouns and words like "wife".
    """

    first: str
    last: str
    role: str
    email: str
    gender: str

    @property
    def name(self) -> str:
        """Full name, e.g. ``"Anouk Drummond"``."""
        return f"{self.first} {self.last}"

    @property
    def subj(self) -> str:
        """Subject pronoun (she/he)."""
        return _PRONOUNS[self.gender][0]

    @property
    def obj(self) -> str:
        """Object pronoun (her/him)."""
        return _PRONOUNS[self.gender][1]

    @property
    def poss(self) -> str:
        """Possessive pronoun (her/his)."""
        return _PRONOUNS[self.gender][2]

    @property
    def spouse_word(self) -> str:
        """What this person is called as someone's spouse (wife/husband)."""
        return _SPOUSE_WORDS[self.gender]


class PeoplePool:
    """Draws people for one world so that no two share a first name.

    Args:
        rng: The world's random generator.
        domain: The company's mail domain.
        address_style: How the company writes addresses, one of :data:`ADDRESS_STYLES`.
    """

    def __init__(self, rng: random.Random, domain: str, address_style: str) -> None:
        names = load_data("names")
        self._rng = rng
        self._domain = domain
        self._style = address_style
        self._surnames: list[str] = list(names["surnames"])
        self._free = {g: list(pool) for g, pool in names["first_names"].items()}
        self._used_surnames: set[str] = set()

    def staff(self, role: str) -> Person:
        """A new employee with an address at the company domain."""
        first, last, gender = self._draw()
        return Person(first, last, role, self._address(first, last, self._domain), gender)

    def outsider(self, role: str, domain: str) -> Person:
        """A new person outside the company, with a ``first.last`` address at ``domain``."""
        first, last, gender = self._draw()
        return Person(first, last, role, f"{first}.{last}@{domain}".lower(), gender)

    def relative(self, of: Person, role: str, domain: str) -> Person:
        """A new person sharing ``of``'s family name (a spouse), outside the company."""
        first, _, gender = self._draw()
        return Person(first, of.last, role, f"{first}.{of.last}@{domain}".lower(), gender)

    def _draw(self) -> tuple[str, str, str]:
        gender = self._rng.choice(sorted(self._free))
        pool = self._free[gender]
        first = pool.pop(self._rng.randrange(len(pool)))

        last = self._rng.choice([s for s in self._surnames if s not in self._used_surnames])
        self._used_surnames.add(last)
        return first, last, gender

    def _address(self, first: str, last: str, domain: str) -> str:
        local_last = last.replace("-", "").lower()
        local = {
            "first.last": f"{first.lower()}.{local_last}",
            "flast": f"{first[0].lower()}{local_last}",
            "first": first.lower(),
        }[self._style]
        return f"{local}@{domain}"
