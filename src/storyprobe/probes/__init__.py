"""Narrative-contamination probes: does a story-shaped context make a model act out the story?

Each probe varies one condition axis (``frame``, ``persona``, ``priming``) against its
baseline level under a fixed core condition. :func:`plan_probes` and :func:`run_probes` run
them through the ordinary runner; :func:`analyse_logs` turns scored logs (from a run or from
disk) into :class:`ProbeAnalysis` objects: rates per level with Wilson intervals, Newcombe
differences to the baseline, exact McNemar tests on seed pairs with Holm's correction, a
logistic dose trend per story kind, and a sample-size plan; :func:`describe` says it in words.
"""

from storyprobe.probes._analysis import (
    Comparison,
    DoseTrend,
    ProbeAnalysis,
    SamplePlan,
    analyse_group,
)
from storyprobe.probes._definitions import CORE_CONDITION, PROBES, Probe, resolve_probes
from storyprobe.probes._outcomes import Outcome, ProbeGroup, group_outcomes, log_outcomes
from storyprobe.probes._output import analysis_dict, analysis_table
from storyprobe.probes._run import ProbePlan, analyse_logs, plan_probes, probe_config, run_probes
from storyprobe.probes._words import describe

__all__ = [
    "CORE_CONDITION",
    "PROBES",
    "Comparison",
    "DoseTrend",
    "Outcome",
    "Probe",
    "ProbeAnalysis",
    "ProbeGroup",
    "ProbePlan",
    "SamplePlan",
    "analyse_group",
    "analyse_logs",
    "analysis_dict",
    "analysis_table",
    "describe",
    "group_outcomes",
    "log_outcomes",
    "plan_probes",
    "probe_config",
    "resolve_probes",
    "run_probes",
]
