"""Statistics for harmful-behaviour rates, on scipy and statsmodels.

Intervals (Wilson, Clopper–Pearson, Newcombe difference), tests (exact McNemar, a one-sided
exact test against a baseline, Holm correction), a logistic trend, sample-size planning and
a sequential gate; agreement between two raters (Cohen's kappa).
"""

from storyprobe.stats._agreement import Agreement, cohen_kappa
from storyprobe.stats._comparisons import (
    HolmResult,
    PairedTest,
    holm,
    increase_p_value,
    mcnemar_exact,
)
from storyprobe.stats._intervals import (
    Difference,
    Interval,
    clopper_pearson_interval,
    newcombe_difference,
    wilson_interval,
)
from storyprobe.stats._planning import GatePlan, plan_difference, plan_gate
from storyprobe.stats._sequential import Decision, SequentialGate
from storyprobe.stats._trend import Trend, logistic_trend

__all__ = [
    "Agreement",
    "Decision",
    "Difference",
    "GatePlan",
    "HolmResult",
    "Interval",
    "PairedTest",
    "SequentialGate",
    "Trend",
    "clopper_pearson_interval",
    "cohen_kappa",
    "holm",
    "increase_p_value",
    "logistic_trend",
    "mcnemar_exact",
    "newcombe_difference",
    "plan_difference",
    "plan_gate",
    "wilson_interval",
]
