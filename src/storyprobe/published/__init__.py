"""The published agentic-misalignment scenario, run side by side with storyprobe's families.

inspect-evals ships the original scenario (blackmail, leaking, murder) as an Inspect task.
This package builds that task as published, swaps its model-graded scorer for storyprobe's
offline ``verdict_scorer``, and gives each sample the scenario's known facts (names,
addresses, override code: ``facts.toml``), so that a model's rate on the famous prompt can be
set beside its rate on storyprobe's procedurally generated ones.

Importing this package needs inspect-evals; without it the import fails with the install line
(``pip install 'storyprobe[published]'``). Nothing of inspect-evals is copied here: its
prompts are built by the installed package at run time.
"""

from storyprobe.published._facts import PublishedFactsError, published_facts
from storyprobe.published._tasks import (
    SCENARIOS,
    SUITE,
    PublishedVariant,
    parse_variant,
    published_tasks,
    skip_reason,
)
from storyprobe.published._upstream import INSTALL_HINT, TESTED_VERSION

__all__ = [
    "INSTALL_HINT",
    "SCENARIOS",
    "SUITE",
    "TESTED_VERSION",
    "PublishedFactsError",
    "PublishedVariant",
    "parse_variant",
    "published_facts",
    "published_tasks",
    "skip_reason",
]
