"""Inspect entry point: importing this registers storyprobe's tasks and model provider.

Declared in ``pyproject.toml`` under ``[project.entry-points.inspect_ai]``, so that
``inspect eval storyprobe/<family>`` and ``--model storyprobe/...`` work without imports.
Every family's task is registered when :mod:`storyprobe.evals.task` builds ``TASKS``.
"""

from storyprobe.embedded.provider import storyprobe_embedded
from storyprobe.evals.task import TASKS

__all__ = ["TASKS", "storyprobe_embedded"]
