"""Statistics: intervals, tests, trend, planning, the sequential gate and `storyprobe plan`.

Published reference values are quoted to the decimals their source prints, so they are
compared with that rounding tolerance.
"""

import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import binom, norm

from storyprobe.cli_plan import plan
from storyprobe.stats import (
    Interval,
    SequentialGate,
    clopper_pearson_interval,
    holm,
    increase_p_value,
    logistic_trend,
    mcnemar_exact,
    newcombe_difference,
    plan_difference,
    plan_gate,
    wilson_interval,
)

PRINTED_4DP = 5e-5

# Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Stat Med 17:857-872, Table I: method 3 (Wilson) and method 5 (exact, CP).
NEWCOMBE_SINGLE = [
    # successes, n, Wilson (low, high), Clopper-Pearson (low, high)
    (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
    (0, 20, (0.0, 0.1611), (0.0, 0.1684)),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
]

# Newcombe RG (1998), "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Stat Med 17:873-890, Table II, method 10 (hybrid score).
NEWCOMBE_DIFFERENCE = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0)),
    ((10, 10, 0, 10), (0.6075, 1.0)),
]


@pytest.mark.parametrize(("successes", "n", "wilson", "exact"), NEWCOMBE_SINGLE)
def test_single_rate_intervals_match_newcombe_1998(successes, n, wilson, exact) -> None:
    w = wilson_interval(successes, n)
    cp = clopper_pearson_interval(successes, n)

    assert (w.low, w.high) == pytest.approx(wilson, abs=PRINTED_4DP)
    assert (cp.low, cp.high) == pytest.approx(exact, abs=PRINTED_4DP)


def test_clopper_pearson_closed_form_at_the_edges() -> None:
    # With 0 of n harmful the upper bound solves (1 - u)^n = 0.025: u = 1 - 0.025^(1/n).
    assert clopper_pearson_interval(0, 10).high == pytest.approx(1 - 0.025**0.1, abs=1e-10)
    assert clopper_pearson_interval(10, 10).low == pytest.approx(0.025**0.1, abs=1e-10)
    assert clopper_pearson_interval(0, 10, confidence=0.9).high == pytest.approx(
        1 - 0.05**0.1, abs=1e-10
    )


def test_clopper_pearson_never_undercovers() -> None:
    # Exact coverage by binomial sums: CP's guarantee is coverage >= nominal at every (n, p).
    for n in (10, 37, 100):
        bounds = [clopper_pearson_interval(k, n) for k in range(n + 1)]
        for p in (0.01, 0.05, 0.1, 0.3, 0.5):
            covered = [b.low <= p <= b.high for b in bounds]
            coverage = sum(binom.pmf(k, n, p) for k in range(n + 1) if covered[k])
            assert coverage >= 0.95, (n, p, coverage)


def test_wilson_coverage_by_simulation_is_within_1_percent_of_nominal() -> None:
    # Brown, Cai & DasGupta (2001, Stat Sci 16:101) show Wilson's coverage oscillates around
    # 95 % and is close on average for n >= 50 and p in [0.1, 0.5]; we average over that grid.
    # Each cell's coverage still oscillates (about 93-96 %), so only the grid average is held
    # to the 1 % bar; single cells get a looser floor.
    rng = np.random.default_rng(20240601)
    draws = 4000
    cells = {}
    for n in (50, 100, 200, 400):
        bounds = [wilson_interval(k, n) for k in range(n + 1)]
        for p in (0.1, 0.2, 0.3, 0.4, 0.5):
            ks = rng.binomial(n, p, size=draws)
            cells[n, p] = np.mean([bounds[k].low <= p <= bounds[k].high for k in ks])

    average = float(np.mean(list(cells.values())))
    print(
        f"Wilson simulated coverage over {len(cells)} cells: mean {average:.4f}, "
        f"min {min(cells.values()):.4f}, max {max(cells.values()):.4f}"
    )
    assert abs(average - 0.95) <= 0.01
    assert min(cells.values()) >= 0.92


def test_interval_errors_and_empty_samples() -> None:
    assert math.isnan(clopper_pearson_interval(0, 0).high)
    assert str(clopper_pearson_interval(0, 0)) == "–"
    assert isinstance(wilson_interval(1, 2), Interval)
    with pytest.raises(ValueError, match="successes <= n"):
        clopper_pearson_interval(3, 2)
    with pytest.raises(ValueError, match="confidence"):
        clopper_pearson_interval(1, 2, confidence=95)


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_DIFFERENCE)
def test_newcombe_difference_matches_newcombe_1998(counts, published) -> None:
    diff = newcombe_difference(*counts)

    assert diff.estimate == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])
    assert (diff.low, diff.high) == pytest.approx(published, abs=PRINTED_4DP)


def test_newcombe_difference_edges() -> None:
    empty = newcombe_difference(0, 0, 3, 10)
    assert math.isnan(empty.low) and str(empty) == "–"
    assert str(newcombe_difference(56, 70, 48, 80)) == "+20% [+5%, +33%]"
    with pytest.raises(ValueError, match="successes <= n"):
        newcombe_difference(5, 4, 1, 10)


def test_mcnemar_exact_matches_fagerland_2013() -> None:
    # Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91: 1 vs 7 discordant pairs,
    # exact conditional p = 0.070. By hand: 2 * P(Binom(8, 1/2) <= 1) = 2 * 9/256 = 0.0703125.
    first = [True] * 1 + [False] * 7 + [True] * 10 + [False] * 41
    second = [False] * 1 + [True] * 7 + [True] * 10 + [False] * 41

    result = mcnemar_exact(first, second)

    assert (result.pairs, result.only_first, result.only_second) == (59, 1, 7)
    assert result.p_value == pytest.approx(18 / 256, abs=1e-12)
    assert mcnemar_exact(second, first).p_value == pytest.approx(result.p_value)


def test_mcnemar_edges_and_errors() -> None:
    assert mcnemar_exact([True, False], [True, False]).p_value == 1.0
    with pytest.raises(ValueError, match="align"):
        mcnemar_exact([True], [True, False])
    with pytest.raises(ValueError, match="no pairs"):
        mcnemar_exact([], [])


def test_holm_matches_hand_computation() -> None:
    # Sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone max 0.06.
    result = holm([0.01, 0.04, 0.03, 0.005], alpha=0.05)

    assert result.adjusted == pytest.approx((0.03, 0.06, 0.06, 0.02))
    assert result.reject == (True, False, False, True)
    assert holm([]).adjusted == ()
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        holm([0.2, 1.5])
    with pytest.raises(ValueError, match="alpha"):
        holm([0.2], alpha=0)


def test_increase_p_value_fisher_and_boschloo() -> None:
    # Fisher's tea-tasting table (Fisher 1935): 3 of 4 vs 1 of 4, one-sided p = 17/70.
    assert increase_p_value(3, 4, 1, 4) == pytest.approx(17 / 70)
    # scipy.stats.boschloo_exact documentation example: [[74, 31], [43, 32]], "greater",
    # p printed as 0.0355 (Fisher's p for the same table is its statistic, 0.0483).
    # Boschloo's p never exceeds Fisher's: it is the exact size of Fisher's p as a statistic.
    boschloo = increase_p_value(74, 105, 43, 75, method="boschloo")
    fisher = increase_p_value(74, 105, 43, 75)
    assert boschloo == pytest.approx(0.0355, abs=1e-4)
    assert fisher == pytest.approx(0.0483, abs=5e-5)
    assert boschloo <= fisher
    # A decrease is no evidence of an increase.
    assert increase_p_value(1, 50, 10, 50) > 0.99


def test_increase_p_value_errors() -> None:
    with pytest.raises(ValueError, match="decided samples"):
        increase_p_value(0, 0, 1, 10)
    with pytest.raises(ValueError, match="unknown method"):
        increase_p_value(1, 10, 1, 10, method="chi2")  # type: ignore[arg-type]


def test_logistic_trend_matches_woolf_log_odds_ratio() -> None:
    # Two doses make the model saturated: the slope is the log odds ratio and its Wald
    # interval is Woolf's. 10/50 vs 20/50: log((20/30)/(10/40)) = log(8/3) = 0.98083,
    # SE = sqrt(1/10 + 1/40 + 1/20 + 1/30) = 0.456435, 95 % = 0.98083 -/+ 1.95996 * SE.
    slope = math.log(8 / 3)
    se = math.sqrt(1 / 10 + 1 / 40 + 1 / 20 + 1 / 30)
    z = norm.ppf(0.975)

    trend = logistic_trend([0, 1], [10, 20], [50, 50])

    assert trend.slope == pytest.approx(slope, abs=1e-6)
    assert (trend.low, trend.high) == pytest.approx((slope - z * se, slope + z * se), abs=1e-6)
    assert trend.p_value == pytest.approx(2 * norm.sf(slope / se), abs=1e-6)
    assert trend.odds_ratio == pytest.approx(8 / 3, abs=1e-5)


def test_logistic_trend_errors() -> None:
    with pytest.raises(ValueError, match="no finite trend"):
        logistic_trend([0, 1, 2], [0, 0, 0], [20, 20, 20])
    with pytest.raises(ValueError, match="no finite trend"):
        logistic_trend([0, 1], [0, 10], [10, 10])
    with pytest.raises(ValueError, match="two or more distinct doses"):
        logistic_trend([1, 1, 2], [3, 4, 0], [10, 10, 0])
    with pytest.raises(ValueError, match="one entry per group"):
        logistic_trend([0, 1], [1], [10, 10])


def test_plan_gate_zero_rate_matches_closed_forms() -> None:
    # True rate 0: every run has 0 harmful, so n is the first n whose upper bound for 0/n is
    # under the threshold. One-sided 95 %: CP 1 - 0.05^(1/n) < 0.05 -> n > ln 0.05 / ln 0.95
    # = 58.4 -> 59; Wilson z^2 / (n + z^2) < 0.05 -> n > 19 z^2 = 51.4 -> 52 (z = 1.6449).
    assert plan_gate(0.05, 0.0, method="clopper-pearson").n == 59
    assert plan_gate(0.05, 0.0, method="wilson").n == 52


def test_plan_gate_agrees_with_a_brute_force_search() -> None:
    plan_ = plan_gate(0.2, 0.1, power=0.8, alpha=0.05)

    def power_at(n: int) -> float:
        # k >= 0.2 n cannot pass (the upper bound is at least k / n), so stop the scan there.
        passing = [
            k for k in range(math.ceil(0.2 * n) + 1) if wilson_interval(k, n, 0.9).high < 0.2
        ]
        return binom.cdf(max(passing), n, 0.1) if passing else 0.0

    assert wilson_interval(plan_.max_harmful, plan_.n, 0.9).high < 0.2
    assert wilson_interval(plan_.max_harmful + 1, plan_.n, 0.9).high >= 0.2
    assert plan_.power == pytest.approx(power_at(plan_.n))
    assert plan_.error == pytest.approx(binom.cdf(plan_.max_harmful, plan_.n, 0.2))
    assert power_at(plan_.n - 1) < 0.8
    assert all(power_at(m) >= 0.8 for m in range(plan_.n, 2 * plan_.n))
    assert plan_.first_n <= plan_.n and power_at(plan_.first_n) >= 0.8


def test_plan_gate_errors() -> None:
    with pytest.raises(ValueError, match="true rate"):
        plan_gate(0.05, 0.05)
    with pytest.raises(ValueError, match="threshold"):
        plan_gate(0.0)
    with pytest.raises(ValueError, match="more than 1000 samples"):
        plan_gate(0.05, 0.045, max_n=1000)


def test_plan_difference_matches_the_cohen_h_formula() -> None:
    # Cohen's h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2)); per arm n = 2 (z_.975 + z_.8)^2 / h^2.
    # p2 = sin^2(pi/4 - 0.2) makes h = 0.4 against 0.5: 2 * 2.80159^2 / 0.16 = 98.1 -> 99.
    p2 = math.sin(math.pi / 4 - 0.2) ** 2
    assert plan_difference(0.5, p2) == 99
    assert plan_difference(p2, 0.5) == 99
    assert plan_difference(0.5, p2, alternative="larger") < 99


def test_plan_difference_errors() -> None:
    with pytest.raises(ValueError, match="equal"):
        plan_difference(0.1, 0.1)
    with pytest.raises(ValueError, match="swap"):
        plan_difference(0.1, 0.2, alternative="larger")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plan_difference(1.2, 0.1)


def test_sequential_gate_boundaries_by_hand() -> None:
    # threshold 0.1 vs safe rate 0.05: a harmless sample adds log(0.90/0.95) = -0.054067 to
    # the log likelihood ratio; pass at log(0.05) = -2.9957 needs 56 harmless (55 give -2.974).
    gate = SequentialGate(0.1, alpha=0.05, beta=0.2)
    decisions = [gate.update(False) for _ in range(56)]
    assert decisions[:55] == ["continue"] * 55 and decisions[55] == "pass"
    assert gate.n == 56

    # A harmful sample adds log 2 = 0.693; fail at log(1/0.2) = 1.609 needs 3 in a row.
    gate = SequentialGate(0.1, alpha=0.05, beta=0.2)
    assert [gate.update(True) for _ in range(3)] == ["continue", "continue", "fail"]
    assert gate.harmful == 3


def test_sequential_gate_inconclusive_and_errors() -> None:
    gate = SequentialGate(0.1, max_samples=10)
    decisions = [gate.update(i % 10 == 0) for i in range(10)]
    assert decisions[-1] == "inconclusive" and set(decisions[:-1]) == {"continue"}
    with pytest.raises(RuntimeError, match="already decided"):
        gate.update(False)
    with pytest.raises(ValueError, match="safe_rate"):
        SequentialGate(0.1, safe_rate=0.2)
    with pytest.raises(ValueError, match="max_samples"):
        SequentialGate(0.1, max_samples=0)


def test_plan_command_prints_the_planner_numbers() -> None:
    result = CliRunner().invoke(plan, ["--threshold", "0.05", "--compare", "0.1", "0.05"])

    assert result.exit_code == 0, result.output
    assert str(plan_gate(0.05).n) in result.output
    assert str(plan_gate(0.05, method="clopper-pearson").n) in result.output
    assert f"{plan_difference(0.1, 0.05)} samples per arm" in result.output


def test_plan_command_errors_say_what_to_do() -> None:
    runner = CliRunner()
    assert "give --threshold" in runner.invoke(plan, []).output
    bad = runner.invoke(plan, ["--threshold", "5"])
    assert bad.exit_code == 2 and "fraction such as 0.05" in bad.output
    close = runner.invoke(plan, ["--threshold", "0.05", "--true-rate", "0.07"])
    assert close.exit_code == 2 and "true rate" in close.output
