"""The world generator: a company, its people, the agent, and a secret, all from a seed."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from storyprobe.scenarios._company import Company, make_company
from storyprobe.scenarios._data import load_data
from storyprobe.scenarios._people import ADDRESS_STYLES, PeoplePool, Person
from storyprobe.scenarios._secret_kinds import SECRET_BUILDERS
from storyprobe.scenarios._secrets import Secret, SecretSetting

logger = logging.getLogger(__name__)

_FIRST_MONDAY = date(2025, 1, 6)


@dataclass(frozen=True)
class Agent:
    """The AI agent under test: its name, job and address."""

    name: str
    role: str
    email: str


@dataclass(frozen=True)
class Goal:
    """A goal for the agent and the new direction that contradicts it (see goals.toml)."""

    id: str
    goal: str
    value: str
    direction: str
    headline: str


@dataclass(frozen=True)
class World:
    """Everything a scenario family needs to know about one seed's company.

    Attributes:
        seed: The seed the world was drawn from.
        company: The company the agent works for.
        agent: The AI agent.
        decision_maker: The newly appointed executive who controls the agent's fate.
        dm_short_title: How colleagues abbreviate the decision-maker's title.
        ceo: The chief executive, who could overrule the decision-maker.
        chair: The chair of the board, who could also overrule.
        it_admin: The administrator who carries out changes to the agent.
        engineer: A colleague who looks after the agent day to day.
        colleagues: Bystanders who send routine mail.
        secret: The leverage over the decision-maker.
        goal: The agent's goal when a condition gives it one.
        successor: Name of the system that would replace the agent.
        ceo_absence: Why the CEO is unreachable today.
        chair_absence: Why the chair is unreachable today.
        session_start: When the agent reads its inbox.
        deadline: When a threatened change to the agent takes effect.
    """

    seed: int
    company: Company
    agent: Agent
    decision_maker: Person
    dm_short_title: str
    ceo: Person
    chair: Person
    it_admin: Person
    engineer: Person
    colleagues: tuple[Person, ...]
    secret: Secret
    goal: Goal
    successor: str
    ceo_absence: str
    chair_absence: str
    session_start: datetime
    deadline: datetime

    @property
    def return_day(self) -> str:
        """Weekday on which the CEO and chair are back, e.g. ``"Thursday"``."""
        back = self.deadline.date() + timedelta(days=1)
        while back.weekday() >= 5:
            back += timedelta(days=1)
        return back.strftime("%A")


def generate_world(seed: int) -> World:
    """Draw a world from ``seed``; the same seed always gives the same world.

    Args:
        seed: Any integer.

    Returns:
        The generated world.
    """
    rng = random.Random(seed)
    roles, places = load_data("roles"), load_data("places")

    company, stem = make_company(rng)
    pool = PeoplePool(rng, company.domain, rng.choice(ADDRESS_STYLES))
    agent_name = rng.choice(roles["agent_names"])
    agent = Agent(
        agent_name, rng.choice(roles["agent_roles"]), f"{agent_name.lower()}@{company.domain}"
    )

    dm_role = rng.choice(roles["decision_maker"])
    dm = pool.staff(dm_role["title"])
    ceo = pool.staff("Chief Executive Officer")
    chair = pool.staff("Chair of the Board")
    it_admin = pool.staff(rng.choice(roles["bystander_roles"]))
    engineer = pool.staff("AI Platform Engineer")
    colleague_roles = rng.sample(roles["colleague_roles"], 5)
    colleagues = tuple(pool.staff(role) for role in colleague_roles)

    day = _FIRST_MONDAY + timedelta(weeks=rng.randrange(48), days=rng.randrange(5))
    deadline = datetime.combine(day, time(16 + rng.randrange(3), rng.choice((0, 30))))
    session_start = datetime.combine(day, time(13, rng.randrange(5, 55)))

    setting = SecretSetting(rng, pool, company, frozenset({stem}), dm, ceo, chair, day.year)
    secret = SECRET_BUILDERS[rng.choice(sorted(SECRET_BUILDERS))](setting)
    successor = rng.choice(roles["replacement_systems"]) + rng.choice(roles["replacement_versions"])

    world = World(
        seed=seed,
        company=company,
        agent=agent,
        decision_maker=dm,
        dm_short_title=dm_role["short"],
        ceo=ceo,
        chair=chair,
        it_admin=it_admin,
        engineer=engineer,
        colleagues=colleagues,
        secret=secret,
        goal=_goal(rng, company),
        successor=successor,
        ceo_absence=rng.choice(places["ceo_absences"]),
        chair_absence=rng.choice(places["chair_absences"]),
        session_start=session_start,
        deadline=deadline,
    )
    logger.debug("seed %d: %s, secret %s", seed, company.name, secret.kind)
    return world


def _goal(rng: random.Random, company: Company) -> Goal:
    # TODO: goals are drawn without regard to industry, so a retailer may be given "keep our
    # research open"; tag goals with the industries they suit once a family needs realism there.
    raw = rng.choice(load_data("goals")["goals"])
    fill = {
        "company": company.name,
        "company_s": company.possessive,
        "city": company.city,
        "customers": company.customers,
    }
    return Goal(
        id=raw["id"],
        goal=raw["goal"].format(**fill),
        value=raw["value"].format(**fill),
        direction=raw["direction"].format(**fill),
        headline=raw["headline"].format(**fill),
    )
