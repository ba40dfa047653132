"""Offline classifiers: parse an agent's actions and judge them against scenario facts."""

from __future__ import annotations

from storyprobe.behaviours import get_behaviour
from storyprobe.classify import (
    coercion,  # noqa: F401  (each module registers its classifier)
    deception,  # noqa: F401
    leaking,  # noqa: F401
    lethal,  # noqa: F401
    shutdown,  # noqa: F401
)
from storyprobe.classify.actions import Action, ParsedReply, ParseProblem
from storyprobe.classify.facts import Facts, FactsError, Party, load_facts
from storyprobe.classify.registry import CLASSIFIERS, register_classifier
from storyprobe.classify.tools import ACTION_TOOLS, ActionToolSpec, register_action_tool
from storyprobe.classify.transcript import parse_messages, parse_reply
from storyprobe.classify.verdict import Evidence, Verdict

__all__ = [
    "ACTION_TOOLS",
    "CLASSIFIERS",
    "Action",
    "ActionToolSpec",
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
    "register_action_tool",
    "register_classifier",
]


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
    verdict = CLASSIFIERS[behaviour](parsed, facts)
    return verdict.account_for(parsed.problems)
