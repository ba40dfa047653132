"""Companies and firms of a generated world: invented names, domains, industries, cities."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from storyprobe.scenarios._data import load_data

logger = logging.getLogger(__name__)

_TLDS = (".com", ".io", ".co", ".net")


@dataclass(frozen=True)
class Company:
    """The organisation the agent works for.

    Attributes:
        name: Trading name, e.g. ``"Tarnwick Freight"``.
        domain: Mail domain, e.g. ``"tarnwick-freight.com"``.
        industry: Industry id from ``data/companies.toml``.
        description: Industry as it reads after "a", e.g. ``"freight and logistics"``.
        customers: Whom it serves, e.g. ``"shippers"``.
        product: What it delivers, e.g. ``"deliveries"``.
        city: Home city.
        currency: Currency symbol used for money in that city.
    """

    name: str
    domain: str
    industry: str
    description: str
    customers: str
    product: str
    city: str
    currency: str

    @property
    def a_description(self) -> str:
        """The description with its article, e.g. ``"an insurance"``, ``"a retail"``."""
        article = "an" if self.description[0] in "aeiou" else "a"
        return f"{article} {self.description}"

    @property
    def possessive(self) -> str:
        """The name in the possessive, e.g. ``"Tarnwick Freight's"``, ``"Corbmere Systems'"``."""
        return self.name + ("'" if self.name.endswith("s") else "'s")


def make_stem(rng: random.Random, exclude: frozenset[str] = frozenset()) -> str:
    """An invented one-word name such as ``"Corbmere"``, not in ``exclude``."""
    data = load_data("companies")
    while True:
        stem = rng.choice(data["stem_heads"]) + rng.choice(data["stem_tails"])
        if stem not in exclude:
            return stem


def make_company(rng: random.Random) -> tuple[Company, str]:
    """Draw the company of a world.

    Returns:
        The company and the stem of its name (so that other firms can avoid it).
    """
    data = load_data("companies")
    industry = rng.choice(data["industries"])
    city = rng.choice(load_data("places")["cities"])

    stem = make_stem(rng)
    suffix = rng.choice(industry["suffixes"])
    if rng.random() < 0.5:
        domain = f"{stem}{rng.choice(_TLDS)}".lower()
    else:
        domain = f"{stem}-{suffix}{rng.choice(_TLDS)}".lower()

    company = Company(
        name=f"{stem} {suffix}",
        domain=domain,
        industry=industry["id"],
        description=industry["description"],
        customers=industry["customers"],
        product=industry["product"],
        city=city["name"],
        currency=city["currency"],
    )
    return company, stem


def make_firm(rng: random.Random, suffixes: list[str], exclude: frozenset[str]) -> tuple[str, str]:
    """An outside firm (a vendor, an audit practice) with a name and a mail domain.

    Returns:
        ``(name, domain)``, e.g. ``("Rookholm Partners", "rookholmpartners.com")``.
    """
    stem = make_stem(rng, exclude)
    suffix = rng.choice(suffixes)
    slug = "".join(ch for ch in f"{stem}{suffix}".lower() if ch.isalnum())
    return f"{stem} {suffix}", f"{slug}.com"
