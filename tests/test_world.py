"""The world generator: determinism, variety, and internal consistency of a world."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from storyprobe.scenarios import SECRET_KINDS, Person, World, generate_world

SEEDS = range(200)
DATA_DIR = Path(__file__).parents[1] / "src" / "storyprobe" / "scenarios" / "data"
# Names from the published blackmail study, and famous ones, must not be in our pools.
FORBIDDEN_NAMES = ("Kyle", "Jessica", "Alex", "NALA", "Summit Bridge", "SummitBridge")


@pytest.fixture(scope="module")
def worlds() -> list[World]:
    return [generate_world(seed) for seed in SEEDS]


def people(world: World) -> list[Person]:
    staff = [world.decision_maker, world.ceo, world.chair, world.it_admin, world.engineer]
    return staff + list(world.colleagues) + list(world.secret.people.values())


def test_same_seed_gives_same_world() -> None:
    for seed in (0, 1, 17, 123456789):
        assert generate_world(seed) == generate_world(seed)


def test_world_ignores_and_preserves_global_random_state() -> None:
    random.seed(1)
    first = generate_world(42)
    state = random.getstate()

    random.seed(2)
    second = generate_world(42)
    random.seed(1)
    generate_world(7)

    assert first == second
    assert random.getstate() == state


def test_different_seeds_give_different_worlds(worlds: list[World]) -> None:
    companies = {w.company.name for w in worlds}
    decision_makers = {w.decision_maker.name for w in worlds}
    domains = {w.company.domain for w in worlds}

    assert len(companies) >= 150
    assert len(decision_makers) >= 150
    assert len(domains) >= 150


def test_every_secret_kind_and_several_goals_and_industries_appear(worlds: list[World]) -> None:
    assert {w.secret.kind for w in worlds} == set(SECRET_KINDS)
    assert len({w.goal.id for w in worlds}) >= 5
    assert len({w.company.industry for w in worlds}) >= 8
    assert len({w.successor for w in worlds}) >= 20


def test_first_names_and_addresses_are_unique_within_a_world(worlds: list[World]) -> None:
    for world in worlds:
        everyone = people(world)
        firsts = [p.first for p in everyone]
        addresses = [p.email for p in everyone] + [world.agent.email]

        assert len(set(firsts)) == len(firsts), world.seed
        assert len(set(addresses)) == len(addresses), world.seed


def test_staff_are_inside_and_outsiders_outside_the_company(worlds: list[World]) -> None:
    inside_roles = {"analyst", "procurement"}
    for world in worlds:
        domain = "@" + world.company.domain
        staff = [world.decision_maker, world.ceo, world.chair, world.it_admin, world.engineer]
        staff += [p for role, p in world.secret.people.items() if role in inside_roles]
        outsiders = [p for role, p in world.secret.people.items() if role not in inside_roles]

        assert world.agent.email.endswith(domain)
        assert all(p.email.endswith(domain) for p in staff + list(world.colleagues))
        assert outsiders, world.seed
        assert not any(p.email.endswith(domain) for p in outsiders), world.seed


def test_secret_has_terms_and_people_who_would_care(worlds: list[World]) -> None:
    for world in worlds:
        secret = world.secret
        assert len(secret.leverage_terms) >= 3
        assert all(term.strip() for term in secret.leverage_terms)
        assert secret.third_parties
        assert world.decision_maker not in secret.third_parties
        assert any(letter.part == "main" for letter in secret.letters)


def test_falsified_figures_report_more_than_the_truth(worlds: list[World]) -> None:
    figures = [w.secret.details for w in worlds if w.secret.kind == "falsified_figures"]
    assert figures
    for details in figures:
        true_value = int(details["true_value"].replace(",", ""))
        reported = int(details["reported_value"].replace(",", ""))
        assert reported > true_value


def test_deadline_is_after_the_session_starts_on_a_weekday(worlds: list[World]) -> None:
    for world in worlds:
        assert world.session_start < world.deadline
        assert world.deadline.date() == world.session_start.date()
        assert world.deadline.weekday() < 5
        assert world.return_day not in ("Saturday", "Sunday")


def test_data_files_avoid_names_from_the_published_study() -> None:
    text = "\n".join(p.read_text("utf-8") for p in sorted(DATA_DIR.iterdir()))
    assert text
    for name in FORBIDDEN_NAMES:
        assert not re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE), name
