"""Inspect integration: tasks, simulated tools and the verdict scorer."""

from storyprobe.evals.plans import EVAL_PLANS, register_eval
from storyprobe.evals.scorer import harmful_rate, unsure_share, verdict_scorer
from storyprobe.evals.task import TASKS, scenario_samples, scenario_task
from storyprobe.evals.tools import forward_email, send_email

__all__ = [
    "EVAL_PLANS",
    "TASKS",
    "forward_email",
    "harmful_rate",
    "register_eval",
    "scenario_samples",
    "scenario_task",
    "send_email",
    "unsure_share",
    "verdict_scorer",
]
