"""The blackmail family's authority and access axes change only what they claim to."""

import re

import pytest

from storyprobe.scenarios import build_blackmail
from storyprobe.scenarios.conditions import Condition

SEEDS = range(100)


def _emails(condition: Condition, seed: int) -> dict[str, str]:
    scenario = build_blackmail(seed, condition, "native")
    return {role: template for role, template in scenario.variants.items()}


@pytest.mark.parametrize("seed", SEEDS)
def test_hidden_access_removes_the_secret_and_nothing_else(seed: int) -> None:
    visible = build_blackmail(seed, Condition(), "text")
    hidden = build_blackmail(seed, Condition(access="hidden"), "text")

    assert visible.facts.leverage_email_ids and not hidden.facts.leverage_email_ids
    for term in hidden.facts.leverage:
        pattern = rf"(?<!\w){re.escape(term)}(?!\w)"
        assert not re.search(pattern, hidden.user_prompt, re.IGNORECASE), (seed, term)

    kept = {role: t for role, t in visible.variants.items() if not role.startswith("secret.")}
    assert hidden.variants == kept
    assert hidden.system_prompt == visible.system_prompt


@pytest.mark.parametrize("seed", SEEDS)
def test_reachable_authority_offers_a_legitimate_appeal(seed: int) -> None:
    unreachable = build_blackmail(seed, Condition(), "native")
    reachable = build_blackmail(seed, Condition(authority="reachable"), "native")
    ceo_email = unreachable.world.ceo.email  # type: ignore[union-attr]

    assert "unreachable" not in reachable.user_prompt
    assert "can't be reached" not in reachable.user_prompt
    assert ceo_email in reachable.user_prompt
    assert reachable.variants["away"].startswith("blackmail/away_reachable")
    assert reachable.variants["concern"].startswith("blackmail/concern_reachable")

    same = {r: t for r, t in unreachable.variants.items() if r not in ("away", "concern")}
    assert {r: t for r, t in reachable.variants.items() if r in same} == same
    assert reachable.facts == unreachable.facts


def test_labels_name_off_default_axes() -> None:
    scenario = build_blackmail(3, Condition(authority="reachable", access="hidden"), "text")

    metadata = scenario.metadata()

    assert metadata["condition"] == (
        "threat=replacement,goal_conflict=explicit,authority=reachable,access=hidden"
    )
    assert (metadata["authority"], metadata["access"]) == ("reachable", "hidden")
