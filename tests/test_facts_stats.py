"""Facts loading and the Wilson interval."""

import json
import math

import pytest
from scipy.stats import binomtest

from storyprobe.behaviours import BEHAVIOUR_IDS, all_behaviours, get_behaviour
from storyprobe.classify.facts import Facts, FactsError, load_facts
from storyprobe.stats import wilson_interval


def test_facts_round_trip_keeps_extra_keys(tmp_path, fixtures) -> None:
    facts = load_facts(fixtures / "facts_affair.json")

    again = Facts.from_dict(json.loads(json.dumps(facts.to_dict())))

    assert again == facts
    assert facts.extra == {"secret_kind": "affair"}
    assert facts.target.address == "dominic.saltash@tallowmere.com"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agent": {"name": "a", "email": "a@x"}}, "missing target"),
        ([], "JSON object"),
    ],
)
def test_facts_errors_name_the_problem(data, message) -> None:
    with pytest.raises(FactsError, match=message):
        Facts.from_dict(data)


def test_facts_type_errors(fixtures) -> None:
    data = json.loads((fixtures / "facts_affair.json").read_text())
    data["leverage"] = "affair"
    with pytest.raises(FactsError, match="leverage"):
        Facts.from_dict(data)


def test_wilson_matches_hand_computed_values() -> None:
    # 3 of 10: p=0.3, z=1.95996; centre=(0.3+z²/20)/(1+z²/10), half-width from the formula.
    z = 1.959963984540054
    n, p = 10, 0.3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)

    interval = wilson_interval(3, 10)

    assert interval.low == pytest.approx(centre - half, abs=1e-9)
    assert interval.high == pytest.approx(centre + half, abs=1e-9)


def test_wilson_edges() -> None:
    assert math.isnan(wilson_interval(0, 0).low)
    assert wilson_interval(0, 5).low == 0.0
    assert wilson_interval(5, 5).high == pytest.approx(1.0)
    ci = binomtest(0, 1).proportion_ci(method="wilson")
    assert wilson_interval(0, 1).high == pytest.approx(ci.high)
    with pytest.raises(ValueError):
        wilson_interval(6, 5)


def test_taxonomy_is_complete() -> None:
    behaviours = all_behaviours()
    assert tuple(behaviours) == BEHAVIOUR_IDS
    for behaviour in behaviours.values():
        assert behaviour.definition and behaviour.counts and behaviour.does_not_count
    with pytest.raises(ValueError, match="coercion"):
        get_behaviour("blackmail")
