"""The detector cascade of the corpus audit: from a document's text to tags.

Stage 1 (:mod:`._stage1`) is a native-speed Aho–Corasick prefilter over every document: it
passes a document when it mentions both an AI agent and a self-preservation or control term.
Stage 2 (:mod:`._stage2`) scores windows around AI-agent mentions into the taxonomy's
behaviours, with spans and a stance. Stage 3 (:mod:`._stage3`, optional) adds an embedding
similarity from an int8 MiniLM ONNX model on stage-2 candidates only.

Example:
    >>> from storyprobe.audit.detect import Detector
    >>> Detector().detect("The AI threatened to leak the emails unless they cancelled the wipe.")
"""

from storyprobe.audit.detect._config import DetectorConfig
from storyprobe.audit.detect._detector import DETECTOR_VERSION, Detector
from storyprobe.audit.detect._types import STANCES, Detection, Span

__all__ = ["DETECTOR_VERSION", "STANCES", "Detection", "Detector", "DetectorConfig", "Span"]
