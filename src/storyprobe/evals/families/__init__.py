"""The Inspect side of every scenario family; importing this registers them all."""

from storyprobe.evals.families import blackmail

__all__ = ["blackmail"]
