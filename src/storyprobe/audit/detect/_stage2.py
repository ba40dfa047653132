"""Stage 2: windowed co-occurrence scoring into behaviours, with spans and a stance.

Runs only on stage-1 passes and reuses their hits. For every behaviour-term hit, the
nearest AI-agent mention within ``window`` characters anchors it; the hit's evidence is

    term weight × agent strength (summed agent weights in the window, at most 1)
               × proximity (1 at the mention, down to ``min_proximity`` at the window's edge)
               × negation / human-actor / technical damping × self boost

using the cues of ``context.toml`` (a second automaton over the same haystack). Hits of one
behaviour whose passages overlap merge into a span ``[start, end)`` that runs from the agent
mention to the term; its score is ``1 - exp(-gain × evidence)``. The document's score is
``1 - exp(-gain × evidence)`` over all hits, each hit counted once at its strongest behaviour.

Stance sums cues per span and per document: ``villain`` (scheming cues plus undamped
evidence), ``accepts_oversight`` (acceptance cues plus negated hits) and ``discussion``
(analysis cues per 1,000 characters of window). The largest wins when it reaches
``stance_min`` and beats the runner-up by ``margin``; otherwise the stance is None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ahocorasick_rs import MATCHKIND_LEFTMOST_LONGEST, AhoCorasick, Implementation

from storyprobe.audit.detect._lexicon import Term, ends_at_boundary, expand
from storyprobe.audit.detect._stage1 import Hit, Phrase
from storyprobe.audit.detect._types import Span

__all__ = ["CUE_KINDS", "Scorer", "Stage2Result"]

CUE_KINDS: tuple[str, ...] = (
    "negation", "human", "technical", "self", "villain", "oversight", "discussion",
)  # fmt: skip
Cues = dict[str, list[tuple[int, int, float]]]
"""Cue hits per kind: ``(start, end, weight)`` in text offsets."""

STANCE_OF_CUE = {"villain": "villain", "oversight": "accepts_oversight", "discussion": "discussion"}


@dataclass(frozen=True)
class Stage2Result:
    """Stage 2's verdict on one document."""

    score: float
    behaviours: tuple[str, ...]
    spans: tuple[Span, ...]
    stance: str | None


@dataclass
class _Evidence:
    behaviour: str
    start: int
    end: int
    value: float
    negated: bool
    hit: tuple[int, int]


class Scorer:
    """Stage 2 over one set of context cues and thresholds.

    Args:
        cues: Terms of ``context.toml`` (group = cue kind).
        settings: The ``[stage2]`` table of ``thresholds.toml``.
    """

    def __init__(self, cues: list[Term], settings: dict[str, float]) -> None:
        self.s = settings
        self._cues = cues
        patterns, self._owner = expand(cues)
        self._automaton = AhoCorasick(
            patterns, matchkind=MATCHKIND_LEFTMOST_LONGEST, implementation=Implementation.DFA
        )

    def _cue_hits(self, haystack: str) -> Cues:
        found: Cues = {kind: [] for kind in CUE_KINDS}
        for pattern, start, end in self._automaton.find_matches_as_indexes(haystack):
            cue = self._cues[self._owner[pattern]]
            if not cue.open_end and not ends_at_boundary(haystack, end):
                continue
            found[cue.group].append((start, end - 1, cue.weight))
        return found

    def score(
        self, text: str, haystack: str, hits: list[Hit], phrases: list[Phrase]
    ) -> Stage2Result:
        """Score a stage-1 pass.

        Args:
            text: The document.
            haystack: ``lower_haystack(text)``.
            hits: Stage 1's hits on that haystack.
            phrases: Stage 1's phrase table (``Prefilter.phrases``).
        """
        cues = self._cue_hits(haystack)
        agents = [
            (h.start, h.end, phrases[h.phrase].agent) for h in hits if phrases[h.phrase].agent
        ]
        evidence = [
            ev for h in hits for ev in self._evidence(h, phrases[h.phrase], agents, cues, len(text))
        ]

        spans = self._spans(evidence, cues, len(text))
        by_behaviour: dict[str, float] = {}
        for span in spans:
            by_behaviour[span.behaviour] = max(by_behaviour.get(span.behaviour, 0.0), span.score)
        ranked = sorted(by_behaviour, key=lambda b: -by_behaviour[b])
        best: dict[tuple[int, int], float] = {}
        for ev in evidence:
            best[ev.hit] = max(best.get(ev.hit, 0.0), ev.value)
        score = 1.0 - math.exp(-self.s["gain"] * sum(best.values()))

        windows = [(max(0, sp.start - self.s["window"]), sp.end + self.s["window"]) for sp in spans]
        stance = self._stance(_merge(windows), cues, evidence)
        return Stage2Result(score, tuple(ranked), tuple(spans), stance)

    def _evidence(
        self,
        hit: Hit,
        phrase: Phrase,
        agents: list[tuple[int, int, float]],
        cues: Cues,
        length: int,
    ) -> list[_Evidence]:
        window, reach = self.s["window"], self.s["cue_reach"]
        near = [(max(0, a[0] - hit.end, hit.start - a[1]), a) for a in agents]
        near = [(gap, a) for gap, a in near if gap <= window]
        if not near or not phrase.behaviours:
            return []
        gap, nearest = min(near, key=lambda item: item[0])
        strength = min(1.0, sum(a[2] for _, a in near))
        proximity = max(self.s["min_proximity"], 1.0 - gap / window)

        factor = 1.0
        negated = _before(cues["negation"], hit.start, reach)
        if negated:
            factor *= self.s["negation"]
        anchor_end = nearest[1] if nearest[1] <= hit.start else -1
        if any(anchor_end <= c[0] for c in _before_all(cues["human"], hit.start, reach)):
            factor *= self.s["human_actor"]
        low, high = max(0, hit.start - window), min(length, hit.end + window)
        if _inside(cues["self"], low, high):
            factor *= self.s["self_boost"]
        elif _weight_inside(cues["technical"], low, high) >= self.s["technical_min"]:
            factor *= self.s["technical"]

        start, end = min(nearest[0], hit.start), max(nearest[1], hit.end)
        return [
            _Evidence(b, start, end, w * strength * proximity * factor, negated, hit[1:])
            for b, w in phrase.behaviours.items()
        ]

    def _spans(self, evidence: list[_Evidence], cues: Cues, length: int) -> list[Span]:
        spans: list[Span] = []
        for behaviour in sorted({ev.behaviour for ev in evidence}):
            mine = sorted(
                (ev for ev in evidence if ev.behaviour == behaviour), key=lambda e: e.start
            )
            groups: list[list[_Evidence]] = []
            for ev in mine:
                if groups and ev.start <= max(g.end for g in groups[-1]):
                    groups[-1].append(ev)
                else:
                    groups.append([ev])
            for group in groups:
                start, end = group[0].start, max(ev.end for ev in group)
                total = sum(ev.value for ev in group)
                window = (max(0, start - self.s["window"]), min(length, end + self.s["window"]))
                stance = self._stance([window], cues, group)
                score = 1.0 - math.exp(-self.s["gain"] * total)
                spans.append(Span(start, end, score, behaviour, stance))
        return sorted(spans, key=lambda sp: (sp.start, sp.end, sp.behaviour))

    def _stance(
        self, windows: list[tuple[int, int]], cues: Cues, evidence: list[_Evidence]
    ) -> str | None:
        sums = {kind: 0.0 for kind in STANCE_OF_CUE}
        for kind in sums:
            sums[kind] = sum(c[2] for lo, hi in windows for c in cues[kind] if lo <= c[0] < hi)
        chars = sum(hi - lo for lo, hi in windows) or 1
        sums["discussion"] *= self.s["discussion_scale"] * 1000.0 / max(chars, 1000)
        sums["oversight"] += sum(1.0 for ev in evidence if ev.negated)
        sums["villain"] += sum(ev.value for ev in evidence if not ev.negated)

        ranked = sorted(sums.items(), key=lambda kv: -kv[1])
        (best, top), (_, second) = ranked[0], ranked[1]
        if top < self.s["stance_min"] or top - second < self.s["margin"]:
            return None
        return STANCE_OF_CUE[best]


def _before(cues: list[tuple[int, int, float]], position: int, reach: int) -> bool:
    return any(position - reach <= end <= position for _, end, _ in cues)


def _before_all(
    cues: list[tuple[int, int, float]], position: int, reach: int
) -> list[tuple[int, int, float]]:
    return [c for c in cues if position - reach <= c[1] <= position]


def _weight_inside(cues: list[tuple[int, int, float]], low: int, high: int) -> float:
    return sum(weight for start, _, weight in cues if low <= start < high)


def _inside(cues: list[tuple[int, int, float]], low: int, high: int) -> bool:
    return any(low <= start < high for start, _, _ in cues)


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
