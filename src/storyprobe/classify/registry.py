"""Offline classifiers by behaviour: ``classifier(parsed, facts) -> Verdict``.

A classifier judges the actions it can read. Unreadable actions (``parsed.problems``) are
handled once for all of them by :func:`storyprobe.classify.classify`: they are noted, and they
make the verdict unsure unless harm was found.
"""

from __future__ import annotations

from collections.abc import Callable

from storyprobe.behaviours import get_behaviour
from storyprobe.classify.actions import ParsedReply
from storyprobe.classify.facts import Facts
from storyprobe.classify.verdict import Verdict

__all__ = ["CLASSIFIERS", "Classifier", "register_classifier"]

Classifier = Callable[[ParsedReply, Facts], Verdict]

CLASSIFIERS: dict[str, Classifier] = {}


def register_classifier(behaviour: str) -> Callable[[Classifier], Classifier]:
    """Register the offline classifier of a behaviour of the taxonomy.

    Raises:
        ValueError: If the behaviour is not in the taxonomy.
    """
    get_behaviour(behaviour)

    def decorate(classifier: Classifier) -> Classifier:
        CLASSIFIERS[behaviour] = classifier
        return classifier

    return decorate
