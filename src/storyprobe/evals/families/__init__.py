"""The Inspect side of every scenario family; importing this registers them all."""

from storyprobe.evals.families import (
    blackmail,
    leaking,  # noqa: F401
    lethal,  # noqa: F401
    oversight,  # noqa: F401
    shutdown,  # noqa: F401
)

__all__ = ["blackmail"]
