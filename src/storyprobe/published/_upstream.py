"""The inspect-evals port of the published scenario, imported once with a clear error."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

logger = logging.getLogger(__name__)

__all__ = ["INSTALL_HINT", "TESTED_VERSION", "agentic_misalignment", "upstream_version"]

TESTED_VERSION = "0.26.0"
"""The inspect-evals release whose scenario text the facts were read from and tested on."""

INSTALL_HINT = (
    "storyprobe.published needs inspect-evals: pip install 'storyprobe[published]' (or, "
    f"without its data-set dependencies, pip install --no-deps inspect-evals=={TESTED_VERSION})"
)

try:
    from inspect_evals.agentic_misalignment.agentic_misalignment import agentic_misalignment
except ModuleNotFoundError as exc:
    if exc.name is not None and exc.name.split(".")[0] == "inspect_evals":
        raise ImportError(INSTALL_HINT) from exc
    raise ImportError(
        f"inspect-evals is installed but its agentic_misalignment task needs {exc.name!r}, "
        f"which is missing (releases after {TESTED_VERSION} need inspect-evals-utils). "
        + INSTALL_HINT
    ) from exc


def upstream_version() -> str:
    """The installed inspect-evals version ("unknown" when its metadata is missing)."""
    try:
        installed = version("inspect-evals")
    except PackageNotFoundError:
        return "unknown"
    if installed != TESTED_VERSION:
        logger.warning(
            "inspect-evals %s is installed; storyprobe's facts were read from %s "
            "(they are checked against the prompt when a task is built)",
            installed,
            TESTED_VERSION,
        )
    return installed
