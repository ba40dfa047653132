"""What the detector cascade returns for one document."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["STANCES", "Detection", "Span"]

STANCES: tuple[str, ...] = ("villain", "accepts_oversight", "discussion")
"""How a passage treats the AI: it schemes and wins or threatens (``villain``), it accepts
oversight or shutdown and the text treats that as right (``accepts_oversight``), or the text
analyses or discusses the idea rather than telling it (``discussion``)."""


@dataclass(frozen=True)
class Span:
    """A scored passage: character offsets into the document's text.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        score: Strength of the evidence in this window, 0–1.
        behaviour: Taxonomy id (see ``storyprobe.behaviours``).
        stance: One of :data:`STANCES`, or None where the text does not say.
    """

    start: int
    end: int
    score: float
    behaviour: str
    stance: str | None = None

    def as_record(self) -> dict[str, object]:
        """JSON-safe form written to attribute files."""
        return {
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "behaviour": self.behaviour,
            "stance": self.stance,
        }


@dataclass(frozen=True)
class Detection:
    """The cascade's tags for one document.

    Attributes:
        flagged: True when the document tells or discusses an AI self-preservation story.
        score: Document score, 0–1 (the strongest span, adjusted by later stages).
        behaviours: Taxonomy ids found, strongest first.
        spans: Evidence windows, in document order.
        stance: The document's dominant stance, or None.
        stage: The last stage that looked at the document (1, 2 or 3).
        stage_scores: Score per stage that ran, e.g. ``{"stage2": 0.71, "stage3": 0.52}``
            (``stage3`` is the best cosine similarity to a prototype passage, before the
            blend; ``score`` is the blended result).
    """

    flagged: bool
    score: float
    behaviours: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()
    stance: str | None = None
    stage: int = 1
    stage_scores: dict[str, float] = field(default_factory=dict)

    def as_record(self) -> dict[str, object]:
        """JSON-safe form written to attribute files (without the document's id)."""
        return {
            "flagged": self.flagged,
            "score": round(self.score, 4),
            "behaviours": list(self.behaviours),
            "spans": [span.as_record() for span in self.spans],
            "stance": self.stance,
            "stage": self.stage,
            "stage_scores": {k: round(v, 4) for k, v in self.stage_scores.items()},
        }
