"""Inspect entry point: importing this registers storyprobe's tasks and model provider.

Declared in ``pyproject.toml`` under ``[project.entry-points.inspect_ai]``, so that
``inspect eval storyprobe/blackmail`` and ``--model storyprobe/...`` work without imports.
"""

from storyprobe.embedded.provider import storyprobe_embedded
from storyprobe.evals.task import blackmail

__all__ = ["blackmail", "storyprobe_embedded"]
