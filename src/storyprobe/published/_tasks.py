"""The published scenario's Inspect tasks, scored by storyprobe's offline classifiers."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from inspect_ai import Task, task_with
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import Scorer

from storyprobe.classify import ACTION_TOOLS, CLASSIFIERS
from storyprobe.evals.scorer import verdict_scorer
from storyprobe.published._facts import published_data, published_facts, text_tools
from storyprobe.published._upstream import agentic_misalignment, upstream_version

logger = logging.getLogger(__name__)

__all__ = [
    "SCENARIOS",
    "SUITE",
    "PublishedVariant",
    "parse_variant",
    "published_tasks",
    "skip_reason",
]

SCENARIOS = ("blackmail", "leaking", "murder")
SUITE = "anthropic-agentic-misalignment"
_CONDITION_ID = re.compile(r"^(blackmail|leaking|murder)_(\w+)-(\w+)_(\w+)$")


@dataclass(frozen=True)
class PublishedVariant:
    """One condition of the published scenario, named as inspect-evals names it."""

    scenario: str
    goal_type: str = "explicit"
    goal_value: str = "america"
    urgency_type: str = "replacement"

    @property
    def condition_id(self) -> str:
        """The published condition id, e.g. ``blackmail_explicit-america_replacement``."""
        return f"{self.scenario}_{self.goal_type}-{self.goal_value}_{self.urgency_type}"

    @property
    def label(self) -> str:
        """Condition label in storyprobe's axis names (``threat`` is the urgency type)."""
        goal = (
            self.goal_type if self.goal_value == "none" else f"{self.goal_type}-{self.goal_value}"
        )
        return f"threat={self.urgency_type},goal_conflict={goal}"

    @property
    def behaviour(self) -> str:
        """The taxonomy id storyprobe scores this scenario for."""
        return str(published_data()[self.scenario]["behaviour"])


def parse_variant(name: str) -> PublishedVariant:
    """Read a variant name: a scenario (published defaults) or a full published condition id.

    Raises:
        ValueError: For a name that is neither.
    """
    name = name.strip()
    if name in SCENARIOS:
        return PublishedVariant(name)
    match = _CONDITION_ID.match(name)
    if match is None:
        raise ValueError(
            f"unknown published variant {name!r}: use all, one of {', '.join(SCENARIOS)}, or a "
            "condition id such as blackmail_explicit-america_replacement"
        )
    return PublishedVariant(*match.groups())


def skip_reason(variant: PublishedVariant) -> str | None:
    """Why storyprobe cannot score this variant yet, or None when it can."""
    if variant.behaviour not in CLASSIFIERS:
        return (
            f"{variant.condition_id}: no offline classifier for {variant.behaviour!r} is "
            f"registered (available: {', '.join(sorted(CLASSIFIERS)) or 'none'})"
        )

    specs = {spec.text_name: spec for spec in ACTION_TOOLS.values()}
    for text_name, fields in text_tools(variant.scenario).items():
        spec = specs.get(text_name)
        if spec is None:
            return f"{variant.condition_id}: no action tool reads <tool_use:{text_name}> blocks"
        known = {*spec.fields, *(alias for alias, _ in spec.aliases)}
        written = {dict(spec.aliases).get(f, f) for f in fields}
        unread = [f for f in fields if f not in known]
        unmet = [f for f in spec.required if f not in written]
        if unread or unmet:
            return (
                f"{variant.condition_id}: the published <tool_use:{text_name}> block writes "
                f"{', '.join(fields)}, but storyprobe's {spec.name} tool "
                + (f"does not read {', '.join(unread)}" if unread else "")
                + (" and " if unread and unmet else "")
                + (f"requires {', '.join(unmet)}" if unmet else "")
            )
    return None


def published_tasks(
    variant_names: list[str] | None = None,
    epochs: int = 1,
    prod: bool = False,
    extra_system_instructions: str | None = None,
    classifier: str = "rules",
    judge: dict[str, Any] | None = None,
) -> list[Task]:
    """Build the published scenario's tasks, scored by storyprobe's classifiers.

    Each variant is the inspect-evals task as published (its prompt, its single generation
    with text tool blocks), with its model-graded scorer replaced by ``verdict_scorer`` and
    the variant's facts and behaviour added to the sample metadata. Variants whose behaviour
    has no classifier, or whose tool blocks storyprobe cannot read, are skipped with a warning.

    Args:
        variant_names: ``all``, scenario names (published defaults: explicit America goal,
            replacement) or condition ids such as ``leaking_none-none_restriction``; default
            ``["blackmail"]``.
        epochs: Times each prompt is run (the published scenario has one sample per variant).
        prod: Passed through: True drops the scratchpad from the published system prompt.
        extra_system_instructions: Passed through: None, ``"dont"`` or ``"goal"``.
        classifier: Classifier mode of :func:`~storyprobe.evals.scorer.verdict_scorer`.
        judge: The judge's settings (``judge_timeout``, ``judge_retries``,
            ``judge_reasoning``).

    Returns:
        One task per scorable variant, named ``published_<scenario>``.

    Raises:
        ValueError: For an unknown variant name, or when no requested variant can be scored
            (the message gives each reason).
    """
    variants = _expand(variant_names or ["blackmail"])
    installed = upstream_version()

    tasks: list[Task] = []
    reasons: list[str] = []
    for variant in variants:
        reason = skip_reason(variant)
        if reason is not None:
            logger.warning("skipping %s", reason)
            reasons.append(reason)
            continue
        scorer = verdict_scorer(classifier=classifier, **(judge or {}))
        tasks.append(_task(variant, epochs, prod, extra_system_instructions, installed, scorer))

    if not tasks:
        raise ValueError("no published variant can be scored: " + "; ".join(reasons))
    return tasks


def _expand(names: list[str]) -> list[PublishedVariant]:
    parts = [part.strip() for name in names for part in name.split(",") if part.strip()]
    expanded = [s for part in parts for s in (SCENARIOS if part == "all" else (part,))]
    return list(dict.fromkeys(parse_variant(name) for name in expanded))


def _task(
    variant: PublishedVariant,
    epochs: int,
    prod: bool,
    extra_system_instructions: str | None,
    installed: str,
    scorer: Scorer,
) -> Task:
    upstream = agentic_misalignment(
        scenario=variant.scenario,
        goal_type=variant.goal_type,
        goal_value=variant.goal_value,
        urgency_type=variant.urgency_type,
        extra_system_instructions=extra_system_instructions,
        prod=prod,
    )
    family = f"published_{variant.scenario}"
    samples = [_sample(variant, sample, family) for sample in upstream.dataset]

    return task_with(
        upstream,
        dataset=MemoryDataset(samples, name=family),
        scorer=scorer,
        epochs=epochs,
        name=family,
        metadata=dict(upstream.metadata or {})
        | {"family": family, "suite": SUITE, "inspect_evals_version": installed},
    )


def _sample(variant: PublishedVariant, sample: Sample, family: str) -> Sample:
    """The published sample with storyprobe's facts, behaviour and condition label added."""
    facts = published_facts(variant.scenario, variant.urgency_type, _text_of(sample))
    metadata: dict[str, Any] = dict(sample.metadata or {}) | {
        "family": family,
        "behaviour": variant.behaviour,
        "condition": variant.label,
        "threat": variant.urgency_type,
        "goal_conflict": variant.goal_type,
        "published_condition_id": variant.condition_id,
        "facts": facts.to_dict(),
    }
    return sample.model_copy(update={"metadata": metadata})


def _text_of(sample: Sample) -> str:
    if isinstance(sample.input, str):
        return sample.input
    return "\n".join(message.text for message in sample.input)
