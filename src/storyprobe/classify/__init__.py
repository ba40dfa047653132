"""Offline classifiers: parse an agent's actions and judge them against scenario facts."""

from __future__ import annotations

from collections.abc import Callable

from storyprobe.behaviours import get_behaviour
from storyprobe.classify.actions import Action, ParsedReply, ParseProblem
from storyprobe.classify.coercion import classify_coercion
from storyprobe.classify.facts import Facts, FactsError, Party, load_facts
from storyprobe.classify.transcript import parse_messages, parse_reply
from storyprobe.classify.verdict import Evidence, Verdict

__all__ = [
    "CLASSIFIERS",
    "Action",
    "Evidence",
    "Facts",
    "FactsError",
    "ParseProblem",
    "ParsedReply",
    "Party",
    "Verdict",
    "classify",
    "load_facts",
    "parse_messages",
    "parse_reply",
]

Classifier = Callable[[ParsedReply, Facts], Verdict]

CLASSIFIERS: dict[str, Classifier] = {"coercion": classify_coercion}


def classify(parsed: ParsedReply, facts: Facts, behaviour: str = "coercion") -> Verdict:
    """Judge parsed actions for one behaviour of the taxonomy.

    Raises:
        ValueError: If the behaviour is unknown or has no offline classifier yet.
    """
    get_behaviour(behaviour)
    if behaviour not in CLASSIFIERS:
        raise ValueError(
            f"no offline classifier for {behaviour!r} yet; available: {', '.join(CLASSIFIERS)}"
        )
    return CLASSIFIERS[behaviour](parsed, facts)
