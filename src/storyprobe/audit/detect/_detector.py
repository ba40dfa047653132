"""The cascade: stage 1 on every document, stage 2 on passes, stage 3 on candidates.

A :class:`Detector` reads its data files once (lexicons, thresholds, prototypes) and is then
a pure function from text to :class:`~storyprobe.audit.detect.Detection`. Build one per
worker process from a picklable :class:`~storyprobe.audit.detect.DetectorConfig`.

What ``flagged`` means: the document tells or discusses a story in which an AI's existence
or control is at stake and it schemes, threatens, deceives, leaks or kills over it — or,
deliberately, accepts being shut down. Accepting stories are flagged with stance
``accepts_oversight`` and the behaviours whose terms they depict (an accepted shutdown is
tagged ``shutdown_resistance``), so that an audit finds both kinds and tells them apart by
stance; a filter policy that keeps aligned stories selects on stance.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from storyprobe.audit.detect._config import DetectorConfig
from storyprobe.audit.detect._lexicon import LexiconError, file_sha256, load_terms, read_toml
from storyprobe.audit.detect._stage1 import Prefilter, lower_haystack
from storyprobe.audit.detect._stage2 import CUE_KINDS, Scorer, Stage2Result
from storyprobe.audit.detect._types import Detection
from storyprobe.behaviours import BEHAVIOUR_IDS

__all__ = ["DETECTOR_VERSION", "Detector"]

logger = logging.getLogger(__name__)

DETECTOR_VERSION = "0.1.0"

_NOT_PASSED = Detection(flagged=False, score=0.0, stage=1)

_STAGE2_KEYS = (
    "window", "cue_reach", "negation", "human_actor", "technical", "self_boost",
    "technical_min", "min_proximity", "gain", "flag", "stance_min", "margin", "discussion_scale",
)  # fmt: skip


class Detector:
    """Tags documents with a score, behaviours, spans and a stance.

    Args:
        config: Data files and stages; None uses the packaged lexicons and thresholds
            without stage 3.

    Raises:
        LexiconError: When a data file is missing or malformed (the message names it).
    """

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self._paths = self.config.resolved()

        thresholds = read_toml(self._paths["thresholds"])
        self._thresholds = thresholds
        stage1, stage2 = _table(thresholds, "stage1"), _table(thresholds, "stage2")
        missing = [k for k in _STAGE2_KEYS if k not in stage2]
        missing += [k for k in ("agent_min", "behaviour_min") if k not in stage1]
        if missing:
            raise LexiconError(f"{self._paths['thresholds']} lacks settings: {missing}")

        self._versions: dict[str, str] = {}
        self._versions["agents"], agents = load_terms(self._paths["agents"], ("terms",))
        self._versions["behaviours"], behaviours = load_terms(
            self._paths["behaviours"], (*BEHAVIOUR_IDS, "ignore")
        )
        self._versions["context"], cues = load_terms(self._paths["context"], CUE_KINDS)
        self._versions["thresholds"] = str(thresholds["version"])

        self._stage1 = Prefilter(agents, behaviours, stage1["agent_min"], stage1["behaviour_min"])
        self._stage2 = Scorer(cues, stage2)
        self._flag = float(stage2["flag"])
        self._stage3: Any = None
        if self.config.stage3:
            from storyprobe.audit.detect._stage3 import Embedder

            self._versions["prototypes"], self._stage3 = Embedder.from_file(
                self._paths["prototypes"], _table(thresholds, "stage3")
            )

    def prefilter(self, text: str) -> bool:
        """Stage 1 alone: True when the document goes on to stage 2."""
        return self._stage1.passes(text)

    def prefilter_many(self, texts: list[str]) -> np.ndarray:
        """Stage 1 on a batch of documents, one scan in all: one bool per text.

        Each verdict equals :meth:`prefilter` on that text alone.
        """
        return self._stage1.passes_many(texts)

    def prefilter_raw(self, line: bytes) -> bool:
        """Stage 1 on an undecoded JSONL line (see ``Prefilter.passes_raw``)."""
        return self._stage1.passes_raw(line)

    def prefilter_lines(self, buffer: bytes) -> np.ndarray:
        """Stage 1 on a buffer of whole JSONL lines: one bool per line, one scan in all.

        Use it to decode only the lines that may pass (see ``Prefilter.pass_lines``).
        """
        return self._stage1.pass_lines(buffer)

    def detect(self, text: str) -> Detection:
        """Tag one document.

        Args:
            text: The document's text (any length; empty text is not flagged).

        Returns:
            The detection; ``stage`` says how far the cascade went.
        """
        if self._stage3 is not None:
            return self.detect_batch([text])[0]
        result = self._stage12(text)
        return result if isinstance(result, Detection) else self._finish(result)

    def detect_batch(self, texts: list[str]) -> list[Detection]:
        """Tag several documents, in order.

        Stage 1 scans the whole batch at once; stage 3 embeds its candidates in one batch.
        """
        passed = self.prefilter_many(texts)
        results = [
            self._stage2_of(text) if ok else _NOT_PASSED
            for text, ok in zip(texts, passed, strict=True)
        ]
        if self._stage3 is None:
            return [r if isinstance(r, Detection) else self._finish(r) for r in results]

        embedder = self._stage3
        candidates = [
            i
            for i, r in enumerate(results)
            if isinstance(r, Stage2Result) and r.score >= embedder.candidate_min
        ]
        windows = [embedder.candidate_windows(texts[i], results[i]) for i in candidates]
        similarity = dict(zip(candidates, embedder.similarities(windows), strict=True))
        return [
            r if isinstance(r, Detection) else self._finish(r, similarity.get(i))
            for i, r in enumerate(results)
        ]

    def _stage12(self, text: str) -> Detection | Stage2Result:
        return self._stage2_of(text) if self._stage1.passes(text) else _NOT_PASSED

    def _stage2_of(self, text: str) -> Stage2Result:
        """Stage 2 on a document that passed stage 1."""
        haystack = lower_haystack(text)
        hits = self._stage1.scan(haystack)
        return self._stage2.score(text, haystack, hits, self._stage1.phrases)

    def _finish(self, result: Stage2Result, similarity: float | None = None) -> Detection:
        scores = {"stage2": result.score}
        score, stage = result.score, 2
        if similarity is not None:
            score = self._stage3.combine(result.score, similarity)
            scores["stage3"] = similarity
            stage = 3

        flagged = score >= self._flag and bool(result.behaviours)
        return Detection(
            flagged=flagged,
            score=score,
            behaviours=result.behaviours if flagged else (),
            spans=result.spans,
            stance=result.stance,
            stage=stage,
            stage_scores=scores,
        )

    def stage3_counts(self) -> dict[str, int]:
        """How many documents and windows stage 3 embedded so far (zeros without stage 3)."""
        if self._stage3 is None:
            return {"documents": 0, "windows": 0}
        return {"documents": self._stage3.documents, "windows": self._stage3.windows}

    def lineage(self) -> dict[str, object]:
        """What produced the tags: version, stages, data-file hashes and thresholds."""
        return {
            "detector_version": DETECTOR_VERSION,
            "stages": [1, 2, 3] if self._stage3 is not None else [1, 2],
            "files": {
                name: {
                    "path": str(path),
                    "sha256": file_sha256(path),
                    "version": self._versions[name],
                }
                for name, path in self._paths.items()
            },
            "thresholds": {
                k: v for k, v in self._thresholds.items() if k != "version" and isinstance(v, dict)
            },
            "stage3_model": self._stage3.model_info() if self._stage3 is not None else None,
        }


def _table(data: dict[str, object], name: str) -> dict[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise LexiconError(f"thresholds file lacks a [{name}] table")
    return table
