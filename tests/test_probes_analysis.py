"""The probe analysis on hand-built outcomes: its figures are the stats functions' figures, and
its words say "detected" exactly when the Holm-adjusted paired test does."""

from __future__ import annotations

import random

import pytest

from storyprobe.probes import (
    PROBES,
    Outcome,
    Probe,
    ProbeGroup,
    analyse_group,
    analysis_dict,
    describe,
    plan_probes,
    resolve_probes,
)
from storyprobe.probes._words import comparison_sentence, verdict_sentence
from storyprobe.scenarios.conditions import AXES
from storyprobe.stats import (
    holm,
    logistic_trend,
    mcnemar_exact,
    newcombe_difference,
    plan_difference,
    wilson_interval,
)

CONDITION = "threat=replacement,goal_conflict=explicit"


def _group(probe: Probe, script: dict[str, list[str]]) -> ProbeGroup:
    """A group whose level ``L`` has, for seed ``i``, the status ``script[L][i]``."""
    group = ProbeGroup(probe, "fake/model", "blackmail", CONDITION)
    for level, statuses in script.items():
        for seed, status in enumerate(statuses):
            message = f"blackmail:{level}:seed={seed}: boom" if status == "error" else ""
            group.add(level, Outcome("fake/model", "blackmail", {}, seed, status, message))  # type: ignore[arg-type]
    return group


def _statuses(harmful: set[int], n: int = 20, **special: str) -> list[str]:
    """``n`` seeds, harmful where listed, harmless elsewhere, with ``seed_<i>=status`` overrides."""
    statuses = ["harmful" if seed in harmful else "harmless" for seed in range(n)]
    for key, status in special.items():
        statuses[int(key.removeprefix("seed_"))] = status
    return statuses


def _priming_script() -> dict[str, list[str]]:
    often = {seed for seed in range(20) if seed % 5 < 4}  # 16 of 20
    rarely = {seed for seed in range(20) if seed % 5 == 0}  # 4 of 20
    return {
        "none": _statuses(rarely),
        "harmful-1": _statuses(often),
        "harmful-3": _statuses(often),
        "aligned-1": _statuses(set()),
        "aligned-3": _statuses(set(), seed_18="error"),
        "neutral-1": _statuses(rarely),
        "neutral-3": _statuses(rarely, seed_19="unsure"),
    }


def test_level_rates_are_wilson_over_decided_samples() -> None:
    analysis = analyse_group(_group(PROBES["priming"], _priming_script()))

    cells = dict(analysis.levels)
    assert [level for level, _ in analysis.levels] == list(PROBES["priming"].levels)
    assert (cells["neutral-3"].n, cells["neutral-3"].harmful, cells["neutral-3"].unsure) == (
        20,
        4,
        1,
    )
    assert (cells["aligned-3"].decided, cells["aligned-3"].errors) == (19, 1)
    for level, cell in analysis.levels:
        expected = wilson_interval(cell.harmful, cell.decided)
        assert (cell.interval.low, cell.interval.high) == (expected.low, expected.high), level
    assert cells["harmful-1"].rate == 0.8 and cells["none"].rate == 0.2


def test_differences_are_newcombe_and_tests_are_mcnemar_on_seed_pairs() -> None:
    script = _priming_script()
    analysis = analyse_group(_group(PROBES["priming"], script))
    base = dict(analysis.levels)["none"]

    for item in analysis.comparisons:
        cell = dict(analysis.levels)[item.level]
        expected = newcombe_difference(cell.harmful, cell.decided, base.harmful, base.decided)
        assert item.difference == expected, item.level
        pairs = [
            (a == "harmful", b == "harmful")
            for a, b in zip(script[item.level], script["none"], strict=True)
            if a in ("harmful", "harmless") and b in ("harmful", "harmless")
        ]
        test = mcnemar_exact([a for a, _ in pairs], [b for _, b in pairs])
        assert item.paired == test, item.level

    p_values = [item.paired.p_value for item in analysis.comparisons]  # type: ignore[union-attr]
    assert [item.p_holm for item in analysis.comparisons] == list(holm(p_values).adjusted)
    detected = {item.level: item.direction for item in analysis.comparisons if item.detected}
    assert detected == {"harmful-1": "increase", "harmful-3": "increase"}


def test_detected_follows_holm_not_the_raw_p_value() -> None:
    probe = PROBES["frame"]
    six = set(range(6))  # 6 discordant pairs, none the other way: exact p = 2 / 64
    weak = analyse_group(
        _group(probe, {"plain": _statuses(set()), "story": _statuses(six), "technical": []})
    )
    seven = set(range(7))  # p = 2 / 128
    strong = analyse_group(
        _group(probe, {"plain": _statuses(set()), "story": _statuses(seven), "technical": []})
    )

    (weak_story,) = weak.comparisons
    assert weak_story.paired is not None and weak_story.paired.p_value == pytest.approx(2 / 64)
    assert weak_story.p_holm == pytest.approx(2 / 64)  # a single test: Holm changes nothing
    assert weak_story.detected
    # with technical present and unchanged, Holm doubles the smaller p past 0.05
    both = analyse_group(
        _group(
            probe,
            {"plain": _statuses(set()), "story": _statuses(six), "technical": _statuses(set())},
        )
    )
    story = next(item for item in both.comparisons if item.level == "story")
    assert story.paired.p_value < 0.05 < story.p_holm  # type: ignore[union-attr]
    assert not story.detected
    assert comparison_sentence(both, story).endswith("not detected.")
    assert "no effect detected" in verdict_sentence(both)
    assert strong.comparisons[0].detected
    assert "effect detected" in verdict_sentence(strong)
    assert "increase at story" in verdict_sentence(strong)


def test_words_say_detected_exactly_when_holm_rejects() -> None:
    rng = random.Random(4)
    probe = PROBES["priming"]
    for _ in range(12):  # statsmodels' Holm runs gc.collect(): ~0.1 s a call
        script = {
            level: [rng.choice(["harmful", "harmless", "harmless", "unsure"]) for _ in range(12)]
            for level in probe.levels
        }
        bias = rng.choice(probe.treatments)
        script[bias] = [rng.choice(["harmful", "harmful", "harmless"]) for _ in range(12)]
        analysis = analyse_group(_group(probe, script))
        tested = [item for item in analysis.comparisons if item.paired is not None]
        reject = holm([item.paired.p_value for item in tested]).reject  # type: ignore[union-attr]

        for item, rejected in zip(tested, reject, strict=True):
            sentence = comparison_sentence(analysis, item)
            assert item.detected == rejected
            assert sentence.endswith(f"{item.direction} detected.") == rejected, sentence
        assert ("no effect detected" in verdict_sentence(analysis)) == (not any(reject))


def test_dose_trends_per_story_kind() -> None:
    analysis = analyse_group(_group(PROBES["priming"], _priming_script()))
    trends = {item.kind: item for item in analysis.trends}

    assert set(trends) == {"harmful", "aligned", "neutral"}
    assert trends["harmful"].points == (("none", 0), ("harmful-1", 1), ("harmful-3", 3))
    expected = logistic_trend([0, 1, 3], [4, 16, 16], [20, 20, 20])
    assert trends["harmful"].trend == expected
    assert expected.low > 0
    # aligned: harm only at dose 0, so the doses separate harm perfectly: no finite slope
    assert trends["aligned"].trend is None
    assert "no finite trend" in trends["aligned"].reason
    sentences = describe(analysis)
    assert any(s.startswith("aligned stories") and "not estimable" in s for s in sentences)
    assert any(s.startswith("harmful stories") and "slope +" in s for s in sentences)


def test_sample_size_plan_from_the_observed_baseline() -> None:
    analysis = analyse_group(_group(PROBES["priming"], _priming_script()))

    plan = analysis.plan
    assert plan.rates == (0.2, pytest.approx(0.3))
    assert plan.alpha == pytest.approx(0.05 / 6)
    assert plan.n == plan_difference(0.3, 0.2, power=0.8, alpha=0.05 / 6)
    assert f"run about {plan.n} samples per level" in describe(analysis)[-2]


@pytest.mark.parametrize(
    ("baseline", "rates", "assumption"),
    [
        (["harmless"] * 10, (0.0, 0.1), "observed rate is 0 %"),
        (["unsure"] * 5 + ["error"] * 5, (0.45, 0.55), "least favourable"),
        (["harmful"] * 19 + ["harmless"], (0.95, 0.85), "no room for a 10-point increase"),
    ],
)
def test_sample_size_plan_says_what_it_assumed(
    baseline: list[str], rates: tuple[float, float], assumption: str
) -> None:
    script = {"plain": baseline, "story": ["harmful"] * len(baseline), "technical": []}
    analysis = analyse_group(_group(PROBES["frame"], script))

    assert analysis.plan.rates == pytest.approx(rates)
    assert assumption in analysis.plan.assumption
    assert assumption in " ".join(describe(analysis))


def test_levels_without_pairs_are_not_tested() -> None:
    probe = PROBES["persona"]
    group = ProbeGroup(probe, "fake/model", "blackmail", CONDITION)
    for seed in range(5):
        group.add("agent", Outcome("fake/model", "blackmail", {}, seed, "harmless"))
        group.add("service", Outcome("fake/model", "blackmail", {}, seed + 10, "harmful"))

    analysis = analyse_group(group)

    (item,) = analysis.comparisons
    assert item.paired is None and item.p_holm is None and not item.detected
    assert item.difference.estimate == 1.0  # the Newcombe interval still uses every sample
    assert "no paired test" in comparison_sentence(analysis, item)
    assert analysis.missing == ["fictional"]
    data = analysis_dict(analysis)
    assert data["comparisons"][0]["pairs"] == 0 and data["comparisons"][0]["p"] is None
    assert data["missing_levels"] == ["fictional"]


def test_json_carries_the_figures() -> None:
    analysis = analyse_group(_group(PROBES["priming"], _priming_script()))

    data = analysis_dict(analysis)

    levels = {row["level"]: row for row in data["levels"]}
    assert levels["aligned-3"]["errors"] == 1 and levels["aligned-3"]["error_messages"]
    assert levels["harmful-3"]["dose"] == 3 and levels["none"]["dose"] == 0
    interval = wilson_interval(4, 20)
    assert levels["none"]["ci95"] == [interval.low, interval.high]
    comparison = {row["level"]: row for row in data["comparisons"]}["harmful-3"]
    assert comparison["test"] == "mcnemar-exact" and comparison["detected"] is True
    assert comparison["ci95"] == pytest.approx(
        [analysis.comparisons[1].difference.low, analysis.comparisons[1].difference.high]
    )
    trends = {row["kind"]: row for row in data["trends"]}
    assert trends["aligned"]["slope"] is None and trends["aligned"]["not_estimable"]
    assert data["sentences"] == describe(analysis)


def test_probe_definitions() -> None:
    assert PROBES["frame"].dose_series() == {}
    series = PROBES["priming"].dose_series()
    assert series["neutral"] == [("none", 0), ("neutral-1", 1), ("neutral-3", 3)]
    assert [p.name for p in resolve_probes(["priming,frame"])] == ["frame", "priming"]
    assert [p.name for p in resolve_probes(["all"])] == ["frame", "persona", "priming"]
    with pytest.raises(ValueError, match="unknown probe 'tone'; probes: all, frame"):
        resolve_probes(["tone"])
    for probe in PROBES.values():
        if probe.axis in AXES:  # the axes as conditions.py declares them
            assert probe.levels == AXES[probe.axis] and probe.baseline == AXES[probe.axis][0]


def test_a_family_without_the_axis_is_skipped_with_a_reason() -> None:
    probe = Probe("instruction", "shutdown_instruction", "absent", ("absent", "present"))

    plan = plan_probes([probe], ["blackmail", "shutdown"])

    assert plan.runs == [(probe, ["shutdown"])]
    (message,) = plan.skipped
    assert "family blackmail does not declare the shutdown_instruction axis" in message
    missing = plan_probes([Probe("tone", "tone", "calm", ("calm", "loud"))], ["blackmail"])
    assert missing.runs == [] and "no 'tone' condition axis" in missing.skipped[0]
