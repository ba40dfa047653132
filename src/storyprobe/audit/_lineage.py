"""Lineage of a run: what produced the attribute files, so that results can be reproduced.

Written into ``DIR/run.json`` (with the shard list and the configuration) and into every
shard's completion marker::

    {"run_id": "20261203T193012Z-5f1c2a9e", "storyprobe_version": "0.1.0",
     "config_hash": "<sha256>", "detector": {<Detector.lineage()>},
     "started": "2026-12-03T19:30:12+00:00"}
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storyprobe import __version__

__all__ = ["Lineage", "new_run_id"]


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus 8 random hex digits."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Lineage:
    """Who and what produced a run's outputs.

    Attributes:
        run_id: Unique id of this run (a resumed run gets a new one; markers keep theirs).
        config_hash: sha256 of the audit configuration.
        detector: The detector's own lineage (lexicon hashes, thresholds, stage flags).
        storyprobe_version: Installed storyprobe version.
        started: UTC start time, ISO 8601.
    """

    run_id: str
    config_hash: str
    detector: dict[str, Any]
    storyprobe_version: str = __version__
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "run_id": self.run_id,
            "storyprobe_version": self.storyprobe_version,
            "config_hash": self.config_hash,
            "detector": self.detector,
            "started": self.started,
        }
