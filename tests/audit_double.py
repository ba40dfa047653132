"""A deterministic stand-in for the detector cascade, for pipeline tests.

It flags a text when it contains the marker word ``BLACKMAILBOT`` (behaviour ``coercion``) or
``WIPEDODGER`` (``shutdown_resistance``), with one span per marker occurrence and a score that
grows with the number of markers. It returns the real :class:`Detection` and :class:`Span`
types, so attribute records have exactly the shape the real cascade gives them.
"""

from __future__ import annotations

from storyprobe.audit.detect import Detection, Span

MARKERS = {"BLACKMAILBOT": "coercion", "WIPEDODGER": "shutdown_resistance"}


class MarkerDetector:
    """Flags texts containing a marker word; picklable, no state."""

    def detect(self, text: str) -> Detection:
        spans = []
        for word, behaviour in MARKERS.items():
            start = text.find(word)
            while start != -1:
                spans.append(Span(start, start + len(word), 0.9, behaviour, "villain"))
                start = text.find(word, start + 1)
        if not spans:
            return Detection(False, 0.0, stage=1)
        spans.sort(key=lambda span: span.start)
        score = min(1.0, 0.5 + 0.1 * len(spans))
        behaviours = tuple(dict.fromkeys(span.behaviour for span in spans))
        return Detection(True, score, behaviours, tuple(spans), "villain", 2, {"stage2": score})

    def detect_batch(self, texts: list[str]) -> list[Detection]:
        return [self.detect(text) for text in texts]

    def lineage(self) -> dict[str, object]:
        return {"detector": "marker-double", "version": 1}
