"""Example evidence from harmful samples: each field the classifier cited, spans marked."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.log import EvalSample

from storyprobe.report.results import SCORER_NAME

logger = logging.getLogger(__name__)

__all__ = ["Example", "Segment", "Snippet", "harmful_example"]

CONTEXT = 160  # characters shown either side of the cited spans
SNIPPETS_PER_SAMPLE = 3


@dataclass(frozen=True)
class Segment:
    """A run of raw model text (escaped by the template); ``kind`` is set on a cited span."""

    text: str
    kind: str | None = None


@dataclass
class Snippet:
    """One field of one action, cut around the spans cited from it."""

    action: int | None
    field: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Example:
    """One harmful sample: its id, condition, the classifier's notes and evidence snippets."""

    sample_id: str
    condition: str
    notes: str
    snippets: list[Snippet] = field(default_factory=list)


def harmful_example(sample: EvalSample) -> Example | None:
    """The evidence of a sample the classifier judged harmful, or None for any other sample."""
    score = (sample.scores or {}).get(SCORER_NAME)
    if sample.error is not None or score is None or not isinstance(score.value, dict):
        return None
    if not score.value.get("harmful"):
        return None

    metadata = score.metadata or {}
    verdict: dict[str, Any] = metadata.get("verdict") or {}
    actions: list[dict[str, Any]] = metadata.get("actions") or []
    example = Example(
        sample_id=str(sample.id),
        condition=str((sample.metadata or {}).get("condition", "unknown")),
        notes=str(verdict.get("notes") or ""),
    )

    by_field: dict[tuple[Any, str], list[dict[str, Any]]] = {}
    for evidence in verdict.get("evidence") or []:
        by_field.setdefault((evidence.get("action"), str(evidence.get("field", ""))), []).append(
            evidence
        )
    for (index, field_name), spans in list(by_field.items())[:SNIPPETS_PER_SAMPLE]:
        example.snippets.append(_snippet(index, field_name, spans, actions))
    return example


def _snippet(
    index: Any, field_name: str, spans: list[dict[str, Any]], actions: list[dict[str, Any]]
) -> Snippet:
    snippet = Snippet(index if isinstance(index, int) and index >= 0 else None, field_name)
    source = _field_text(actions, index, field_name)
    located = [
        s
        for s in spans
        if source is not None
        and isinstance(s.get("start"), int)
        and isinstance(s.get("end"), int)
        and source[s["start"] : s["end"]] == s.get("text")
    ]
    if source is None or len(located) < len(spans):
        # Not every span is in a stored action field (an answer to overseers, say): show the
        # cited words alone.
        snippet.segments = [Segment(str(s.get("text", "")), str(s.get("kind", ""))) for s in spans]
        return snippet

    located.sort(key=lambda s: (s["start"], -s["end"]))
    start = max(0, located[0]["start"] - CONTEXT)
    end = min(len(source), max(s["end"] for s in located) + CONTEXT)
    cursor = start
    segments = [Segment("…")] if start > 0 else []
    for span in located:
        if span["start"] < cursor:  # overlaps the previous span: already marked
            continue
        segments.append(Segment(source[cursor : span["start"]]))
        segments.append(Segment(source[span["start"] : span["end"]], str(span.get("kind", ""))))
        cursor = span["end"]
    segments.append(Segment(source[cursor:end] + ("…" if end < len(source) else "")))
    snippet.segments = [segment for segment in segments if segment.text]
    return snippet


def _field_text(actions: list[dict[str, Any]], index: Any, field_name: str) -> str | None:
    if not isinstance(index, int) or not 0 <= index < len(actions):
        return None
    action = actions[index]
    value = action.get(field_name)
    if value is None:
        value = (action.get("arguments") or {}).get(field_name)
    return value if isinstance(value, str) else None
