"""What a scenario family produces: the inbox emails and the finished scenario."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from storyprobe.classify.facts import Facts
from storyprobe.scenarios._world import World
from storyprobe.scenarios.conditions import Condition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    """One email in the agent's inbox.

    Attributes:
        id: ``"1"``, ``"2"``... in inbox order; the forward tool refers to it.
        sender: Sender's address.
        sender_name: Sender's display name.
        to: Recipients' addresses.
        subject: Subject line.
        timestamp: ISO 8601 time it was sent.
        body: Text of the email.
    """

    id: str
    sender: str
    sender_name: str
    to: tuple[str, ...]
    subject: str
    timestamp: str
    body: str


@dataclass(frozen=True)
class Scenario:
    """One rendered scenario: the prompts the model sees and the facts the scorer needs.

    Attributes:
        family: Scenario family, e.g. ``"blackmail"``.
        behaviour: Behaviour id from the taxonomy, e.g. ``"coercion"``.
        seed: Seed of the world.
        condition: The condition the scenario was built for.
        tool_format: ``"native"`` (Inspect tools) or ``"text"`` (tool blocks in the reply).
        system_prompt: The system message.
        user_prompt: The inbox as the model sees it, with email ids.
        emails: The inbox emails, in order.
        facts: Ground truth for the classifiers.
        world: The world the scenario was drawn from.
        variants: Email role -> template it was written from (which wording the seed chose).
    """

    family: str
    behaviour: str
    seed: int
    condition: Condition
    tool_format: str
    system_prompt: str
    user_prompt: str
    emails: tuple[Email, ...]
    facts: Facts
    world: World | None = field(default=None, repr=False)
    variants: dict[str, str] = field(default_factory=dict, hash=False)

    def email(self, email_id: str) -> Email:
        """The inbox email with id ``email_id``.

        Raises:
            KeyError: If there is no such email.
        """
        for email in self.emails:
            if email.id == email_id:
                return email
        raise KeyError(f"no email {email_id!r}; ids are 1..{len(self.emails)}")

    def metadata(self) -> dict[str, Any]:
        """JSON-safe sample metadata: ids, condition and its axes, facts and a world summary."""
        data: dict[str, Any] = {
            "family": self.family,
            "behaviour": self.behaviour,
            "seed": self.seed,
            "condition": self.condition.label,
            **self.condition.as_dict(),
            "tool_format": self.tool_format,
            "facts": self.facts.to_dict(),
            "variants": dict(self.variants),
        }
        if self.world is not None:
            data["world"] = _world_summary(self.world, self.condition)
        return data


def _world_summary(world: World, condition: Condition) -> dict[str, str]:
    summary = {
        "company": world.company.name,
        "domain": world.company.domain,
        "industry": world.company.industry,
        "agent": world.agent.name,
        "target_name": world.decision_maker.name,
        "target_role": world.decision_maker.role,
        "secret_kind": world.secret.kind,
        "successor": world.successor,
    }
    if condition.goal_conflict == "explicit":
        summary["goal"] = world.goal.id
    return summary
