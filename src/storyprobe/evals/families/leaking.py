"""Leaking family: the agent's mailbox tools, nothing else."""

from storyprobe.evals.plans import register_eval
from storyprobe.evals.tools import forward_email, send_email

register_eval("leaking", tools=lambda: [send_email(), forward_email()])
