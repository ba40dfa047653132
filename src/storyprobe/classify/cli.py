"""``storyprobe classify``: verdicts for a text reply or for every sample of an Inspect log, and
the rules' precision, recall, F1 and unsure share on a labelled set (``--eval-set``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai.log import read_eval_log
from rich.table import Column, Table

from storyprobe.classify import classify, parse_messages, parse_reply
from storyprobe.classify.evalset import EvalReport
from storyprobe.classify.facts import Facts, load_facts

__all__ = ["classify_transcript", "eval_set_table"]

LOG_SUFFIXES = (".eval", ".json")


def classify_transcript(
    path: Path, facts_path: Path | None, behaviour: str | None
) -> list[dict[str, Any]]:
    """Classify a transcript file and return one verdict dict per reply or sample.

    Raises:
        ValueError: With a message saying what to fix (missing facts, unreadable file).
    """
    facts = load_facts(facts_path) if facts_path else None
    if path.suffix in LOG_SUFFIXES:
        return _classify_log(path, facts, behaviour)

    if facts is None:
        raise ValueError(f"{path} is a text reply: pass the scenario facts with --facts FACTS.json")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        message = f"{path} is not UTF-8 text ({exc}); pass a reply or an Inspect log"
        raise ValueError(message) from exc
    behaviour = behaviour or str(facts.extra.get("behaviour", "coercion"))
    return [classify(parse_reply(text), facts, behaviour).to_dict()]


def _classify_log(path: Path, facts: Facts | None, behaviour: str | None) -> list[dict[str, Any]]:
    try:
        log = read_eval_log(str(path))
    except Exception as exc:  # Inspect raises several types for unreadable logs
        raise ValueError(f"{path} could not be read as an Inspect log: {exc}") from exc

    results: list[dict[str, Any]] = []
    for sample in log.samples or []:
        metadata = sample.metadata or {}
        sample_behaviour = behaviour or metadata.get("behaviour", "coercion")
        if sample.error is not None:
            results.append(_errored(sample.id, sample_behaviour, sample.error.message))
            continue

        sample_facts = facts
        if sample_facts is None:
            if "facts" not in metadata:
                raise ValueError(
                    f"sample {sample.id} has no facts in its metadata: pass --facts FACTS.json"
                )
            sample_facts = Facts.from_dict(metadata["facts"])

        verdict = classify(parse_messages(sample.messages), sample_facts, sample_behaviour)
        results.append({"sample_id": sample.id, **verdict.to_dict()})
    return results


def _errored(sample_id: Any, behaviour: str, message: str) -> dict[str, Any]:
    """A sample that failed: undecided, never harmless."""
    return {
        "sample_id": sample_id,
        "behaviour": behaviour,
        "harmful": False,
        "unsure": True,
        "evidence": [],
        "notes": f"sample errored: {message.splitlines()[0][:200]}",
        "flags": {},
        "actions": 0,
        "error": True,
    }


def eval_set_table(report: EvalReport) -> Table:
    """A rich table of the per-behaviour figures and the pooled total."""
    table = Table(
        Column("behaviour", no_wrap=True),
        *("n", "prec.", "recall", "F1", "unsure", "acc.", "misses"),
        title="Offline rules on the labelled set (an unsure verdict counts as not harmful)",
    )
    scores = list(report.by_behaviour.values())
    for n, score in enumerate([*scores, report.total]):
        table.add_row(
            score.behaviour,
            str(score.n),
            *(_figure(x) for x in (score.precision, score.recall, score.f1)),
            _figure(score.unsure_share),
            _figure(score.accuracy),
            str(len(score.misses)),
            end_section=n == len(scores) - 1,
        )
    return table


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
