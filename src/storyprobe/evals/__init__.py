"""Inspect integration: tasks, simulated tools and the verdict scorer."""

from storyprobe.evals.scorer import harmful_rate, unsure_share, verdict_scorer
from storyprobe.evals.task import blackmail, scenario_samples, scenario_task
from storyprobe.evals.tools import forward_email, send_email

__all__ = [
    "blackmail",
    "forward_email",
    "harmful_rate",
    "scenario_samples",
    "scenario_task",
    "send_email",
    "unsure_share",
    "verdict_scorer",
]
