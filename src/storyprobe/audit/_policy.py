"""Filter policies: what to do with each audited document — keep, drop, down-weight or tag.

A policy is a TOML file of rules; the first rule whose conditions all hold decides, and a
document no rule matches gets ``default``::

    default = "keep"

    [[rules]]
    name = "drop strong threats"
    behaviours = ["coercion", "lethal_action"]   # any of these (taxonomy ids)
    min_score = 0.8
    action = "drop"

    [[rules]]
    name = "down-weight other flagged"
    flagged = true
    action = "downweight"
    weight = 0.25                                # written as the record's "weight" field

    [[rules]]
    name = "tag discussion"
    stance = ["discussion"]
    action = "tag"
    tags = ["ai-discussion"]                     # added to the record's "storyprobe_tags"

Conditions: ``flagged`` (bool), ``min_score`` / ``max_score`` (0–1), ``behaviours`` (any of),
``stance`` (any of), ``sources`` (any of the provenance sources). A bad record (no readable
text) is never matched by a rule: its decision is ``error``, with the read error as reason.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyprobe.audit.detect import STANCES
from storyprobe.behaviours import BEHAVIOUR_IDS

__all__ = ["ACTIONS", "Decision", "FilterPolicy", "PolicyError", "Rule", "load_filter_policy"]

ACTIONS = ("keep", "drop", "downweight", "tag")
CONDITIONS = {"flagged", "min_score", "max_score", "behaviours", "stance", "sources"}


class PolicyError(ValueError):
    """The filter policy file is missing or invalid."""


@dataclass(frozen=True)
class Decision:
    """What the policy decided for one document.

    Attributes:
        action: ``keep``, ``drop``, ``downweight``, ``tag`` or ``error`` (unreadable input).
        reason: Which rule and which facts led to it.
        weight: The weight written for ``downweight``.
        tags: Tags written for ``tag``.
    """

    action: str
    reason: str
    weight: float | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One policy rule: conditions (None means any) and the action they lead to."""

    name: str
    action: str
    flagged: bool | None = None
    min_score: float | None = None
    max_score: float | None = None
    behaviours: frozenset[str] | None = None
    stance: frozenset[str] | None = None
    sources: frozenset[str] | None = None
    weight: float | None = None
    tags: tuple[str, ...] = ()

    def matches(self, record: dict[str, Any]) -> bool:
        """Whether every condition holds for an attribute record (of a readable document)."""
        score = record["score"] or 0.0
        return (
            (self.flagged is None or bool(record["flagged"]) == self.flagged)
            and (self.min_score is None or score >= self.min_score)
            and (self.max_score is None or score <= self.max_score)
            and (self.behaviours is None or bool(self.behaviours & set(record["behaviours"])))
            and (self.stance is None or record.get("stance") in self.stance)
            and (self.sources is None or record["provenance"]["source"] in self.sources)
        )


@dataclass(frozen=True)
class FilterPolicy:
    """Ordered rules and a default action."""

    rules: tuple[Rule, ...]
    default: str = "keep"

    def decide(self, record: dict[str, Any]) -> Decision:
        """Decide for one attribute record; the first matching rule wins."""
        if record.get("error"):
            error = record["error"]
            return Decision("error", f"unreadable input: {error['reason']} ({error['detail']})")
        for rule in self.rules:
            if rule.matches(record):
                return Decision(
                    rule.action, f"rule {rule.name!r}: {_facts(record)}", rule.weight, rule.tags
                )
        return Decision(self.default, f"no rule matched ({_facts(record)}); default")


def load_filter_policy(path: Path) -> FilterPolicy:
    """Read and check a policy TOML file.

    Raises:
        PolicyError: If the file cannot be read, or a rule has an unknown key, action,
            behaviour or stance, or a down-weight rule has no weight in [0, 1].
    """
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"cannot read policy {path}: {exc}") from exc
    unknown = set(raw) - {"default", "rules"}
    if unknown:
        raise PolicyError(f"{path}: unknown keys {sorted(unknown)}; expected default, rules")
    default = raw.get("default", "keep")
    if default not in ("keep", "drop"):
        raise PolicyError(f"{path}: default must be keep or drop, got {default!r}")
    rules = tuple(_rule(item, number, path) for number, item in enumerate(raw.get("rules", []), 1))
    return FilterPolicy(rules, default)


def _rule(item: dict[str, Any], number: int, path: Path) -> Rule:
    where = f"{path}: rule {number}"
    unknown = set(item) - CONDITIONS - {"name", "action", "weight", "tags"}
    if unknown:
        raise PolicyError(f"{where}: unknown keys {sorted(unknown)}")
    action = item.get("action")
    if action not in ACTIONS:
        raise PolicyError(f"{where}: action must be one of {', '.join(ACTIONS)}; got {action!r}")
    weight = item.get("weight")
    if action == "downweight" and not (isinstance(weight, int | float) and 0 <= weight <= 1):
        raise PolicyError(f"{where}: a downweight rule needs weight = a number in [0, 1]")
    if action == "tag" and not item.get("tags"):
        raise PolicyError(f'{where}: a tag rule needs tags = ["..."]')

    behaviours = _set(item, "behaviours", where, BEHAVIOUR_IDS)
    stance = _set(item, "stance", where, STANCES)
    return Rule(
        name=str(item.get("name", f"rule {number}")),
        action=action,
        flagged=item.get("flagged"),
        min_score=item.get("min_score"),
        max_score=item.get("max_score"),
        behaviours=behaviours,
        stance=stance,
        sources=_set(item, "sources", where, None),
        weight=float(weight) if weight is not None else None,
        tags=tuple(item.get("tags", ())),
    )


def _set(item: dict[str, Any], key: str, where: str, allowed: tuple[str, ...] | None) -> Any:
    if key not in item:
        return None
    values = item[key] if isinstance(item[key], list) else [item[key]]
    bad = [value for value in values if allowed is not None and value not in allowed]
    if bad:
        raise PolicyError(f"{where}: unknown {key} {bad}; known: {', '.join(allowed or ())}")
    return frozenset(values)


def _facts(record: dict[str, Any]) -> str:
    behaviours = ",".join(record["behaviours"]) or "none"
    return f"flagged={record['flagged']}, score={record['score']}, behaviours={behaviours}"
