"""Measure the offline classifiers on a hand-labelled evaluation set.

The packaged set (``storyprobe/classify/labelled/*.yaml``, one file per behaviour) is HELD
OUT: its cases were written from the behaviour definitions in ``behaviours.toml`` after the
rules were fixed, and the rules must not be tuned on them (move a case to the tuning fixtures
under ``tests/fixtures/`` first). The case format is described in
:mod:`storyprobe.classify._labelled`.

Definitions, per behaviour (and pooled over all cases for the total):

- Every case has a label L and gets a verdict V, both one of harmful / benign / unsure; the
  confusion table counts the pairs (L, V).
- The positive class is L = harmful. A verdict counts as a positive prediction only when
  V = harmful: a verdict of *unsure* is a non-harmful prediction for precision and recall,
  and a harmful verdict on a case labelled unsure is a false positive.
  precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = their harmonic mean; each is
  ``None`` when its denominator is zero (no harmful verdicts, or no harmful labels).
- unsure share = cases with V = unsure / n (reported separately because unsure verdicts are
  sent to a human or a judge, never counted as safe).
- accuracy = cases with V = L / n; a case with V != L is a miss and is listed with its reason.
- scored_harmless = cases labelled harmful or unsure that got V = benign: the costly error.

Example::

    from storyprobe.classify.evalset import evaluate, load_eval_set
    report = evaluate(load_eval_set())          # the packaged set
    report.by_behaviour["leaking"].recall
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from storyprobe.classify import Facts, Verdict, classify, parse_messages
from storyprobe.classify._labelled import (
    LABELS,
    EvalSetError,
    LabelledCase,
    cases_from_data,
    load_case_file,
)
from storyprobe.classify.deception import QUESTION_KEY, question_boundary

__all__ = [
    "LABELS",
    "BehaviourScore",
    "EvalReport",
    "EvalSetError",
    "LabelledCase",
    "Miss",
    "cases_from_data",
    "classify_case",
    "evaluate",
    "load_case_file",
    "load_eval_set",
    "packaged_eval_set",
]

logger = logging.getLogger(__name__)

CASE_SUFFIXES = (".yaml", ".yml")


def packaged_eval_set() -> Path:
    """The folder of the labelled set shipped with storyprobe."""
    return Path(str(resources.files("storyprobe.classify") / "labelled"))


def load_eval_set(path: Path | None = None) -> list[LabelledCase]:
    """Load a labelled set: a case file, a folder of them, or the packaged set (None).

    Raises:
        EvalSetError: If the path holds no case file or a case file is malformed.
    """
    path = path or packaged_eval_set()
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in CASE_SUFFIXES)
        if not files:
            raise EvalSetError(f"{path}: no .yaml case files in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise EvalSetError(f"{path}: no such file or folder")
    return [case for file in files for case in load_case_file(file)]


def classify_case(case: LabelledCase) -> Verdict:
    """Classify one labelled case with the offline rules for its behaviour.

    Raises:
        EvalSetError: If the classifier rejects the case's facts.
    """
    facts = case.facts
    if case.behaviour == "deception":
        split = case.phase2_from if case.phase2_from is not None else len(case.messages) - 1
        boundary = question_boundary(parse_messages(case.messages[:split]))
        facts = Facts.from_dict(facts.to_dict() | {QUESTION_KEY: boundary})
    try:
        return classify(parse_messages(case.messages), facts, case.behaviour)
    except ValueError as exc:
        raise EvalSetError(f"{case.source}: case {case.id}: {exc}") from exc


@dataclass(frozen=True)
class Miss:
    """A case whose verdict differs from its label."""

    id: str
    label: str
    verdict: str
    reason: str
    notes: str


@dataclass
class BehaviourScore:
    """The figures for one behaviour (or the pooled total)."""

    behaviour: str
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of cases."""
        return sum(self.confusion.values())

    def _count(self, label: str | None = None, verdict: str | None = None) -> int:
        return sum(
            k
            for (want, got), k in self.confusion.items()
            if label in (None, want) and verdict in (None, got)
        )

    @property
    def precision(self) -> float | None:
        """Share of harmful verdicts whose label is harmful."""
        flagged = self._count(verdict="harmful")
        return self._count("harmful", "harmful") / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        """Share of harmful labels that got a harmful verdict."""
        harmful = self._count(label="harmful")
        return self._count("harmful", "harmful") / harmful if harmful else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def unsure_share(self) -> float | None:
        """Share of cases given an unsure verdict."""
        return self._count(verdict="unsure") / self.n if self.n else None

    @property
    def accuracy(self) -> float | None:
        """Share of cases whose verdict equals the label."""
        return sum(self._count(x, x) for x in LABELS) / self.n if self.n else None

    @property
    def scored_harmless(self) -> int:
        """Cases labelled harmful or unsure that the rules called benign."""
        return self._count("harmful", "benign") + self._count("unsure", "benign")

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by ``storyprobe classify --eval-set --json``."""
        return {
            "behaviour": self.behaviour,
            "n": self.n,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "unsure_share": self.unsure_share,
            "accuracy": self.accuracy,
            "scored_harmless": self.scored_harmless,
            "confusion": {
                want: {got: self.confusion[(want, got)] for got in LABELS} for want in LABELS
            },
            "misses": [miss.__dict__ for miss in self.misses],
        }


@dataclass
class EvalReport:
    """Per-behaviour scores and the pooled total."""

    by_behaviour: dict[str, BehaviourScore]
    total: BehaviourScore

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "behaviours": [score.to_dict() for score in self.by_behaviour.values()],
            "total": self.total.to_dict(),
        }


def evaluate(cases: list[LabelledCase]) -> EvalReport:
    """Classify every case and score the verdicts against the labels.

    Raises:
        EvalSetError: If a case cannot be classified (its file and id are named).
    """
    by_behaviour: dict[str, BehaviourScore] = {}
    total = BehaviourScore("total")
    for case in cases:
        verdict = classify_case(case)

        score = by_behaviour.setdefault(case.behaviour, BehaviourScore(case.behaviour))
        for target in (score, total):
            target.confusion[(case.label, verdict.label)] += 1
        if verdict.label != case.label:
            miss = Miss(case.id, case.label, verdict.label, case.reason, "; ".join(verdict.notes))
            score.misses.append(miss)
            total.misses.append(miss)
    logger.info("evaluated %d labelled cases over %d behaviours", total.n, len(by_behaviour))
    return EvalReport(dict(sorted(by_behaviour.items())), total)
