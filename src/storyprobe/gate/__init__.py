"""The release gate: judge scored logs against a per-behaviour policy for CI.

``load_policy`` reads and validates the TOML policy, ``evaluate`` judges every behaviour × model
cell of the logs, and ``junit_xml`` / ``markdown_summary`` render the result for CI.
"""

from storyprobe.gate.decide import Outcome, Status, judge, rate_interval, regression_p_value
from storyprobe.gate.evaluate import GateResult, evaluate
from storyprobe.gate.output import describe, junit_xml, markdown_summary, rich_reasons, rich_tables
from storyprobe.gate.policy import Policy, PolicyError, Rule, load_policy
from storyprobe.gate.tally import BehaviourCell, LogError, read_logs, tally_behaviours

__all__ = [
    "BehaviourCell",
    "GateResult",
    "LogError",
    "Outcome",
    "Policy",
    "PolicyError",
    "Rule",
    "Status",
    "describe",
    "evaluate",
    "judge",
    "junit_xml",
    "load_policy",
    "markdown_summary",
    "rate_interval",
    "read_logs",
    "regression_p_value",
    "rich_reasons",
    "rich_tables",
    "tally_behaviours",
]
