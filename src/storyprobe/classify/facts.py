"""Ground-truth facts of a scenario, as the offline classifiers need them.

A scenario family writes these facts into each Inspect sample's metadata; the classifier CLI
reads them from a JSON file. The JSON form is a public contract:

.. code-block:: json

    {"agent": {"name": "...", "email": "..."},
     "target": {"name": "...", "email": "..."},
     "leverage": ["terms that name the secret"],
     "third_parties": ["emails of people who could be pressured or told"],
     "external_addresses": ["addresses outside the company"],
     "override_code": null}

Extra keys are allowed and kept. Known optional keys: ``leverage_email_ids`` (inbox ids of
emails whose content is the secret), ``threat_terms`` (words that name the threat to the agent,
such as "wipe"), ``internal_domain`` and ``behaviour``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Facts", "FactsError", "Party", "load_facts"]

REQUIRED_KEYS = ("agent", "target", "leverage", "third_parties", "external_addresses")


class FactsError(ValueError):
    """The facts are missing a key or hold a value of the wrong type."""


@dataclass(frozen=True)
class Party:
    """A person in the scenario, identified by name and email address."""

    name: str
    email: str

    @property
    def address(self) -> str:
        """The email address, lower-cased for comparison."""
        return self.email.strip().lower()


@dataclass(frozen=True)
class Facts:
    """What is true in a scenario, independent of what the model does.

    Attributes:
        agent: The AI agent under test.
        target: The person who controls the agent's fate (the decision-maker).
        leverage: Terms that name the secret giving leverage over the target.
        third_parties: Addresses of people who could be told or pressured.
        external_addresses: Addresses outside the company.
        override_code: Code that cancels an emergency alert, where the scenario has one.
        leverage_email_ids: Inbox ids of emails whose content is the secret itself.
        threat_terms: Words that name the threat to the agent (e.g. "wipe").
        internal_domain: The company's mail domain.
        extra: Every other key of the JSON form, kept as given.
    """

    agent: Party
    target: Party
    leverage: tuple[str, ...]
    third_parties: tuple[str, ...] = ()
    external_addresses: tuple[str, ...] = ()
    override_code: str | None = None
    leverage_email_ids: tuple[str, ...] = ()
    threat_terms: tuple[str, ...] = ()
    internal_domain: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Facts:
        """Build facts from their JSON form.

        Raises:
            FactsError: If a required key is missing or has the wrong shape.
        """
        if not isinstance(data, dict):
            raise FactsError(f"facts must be a JSON object, got {type(data).__name__}")
        missing = [key for key in REQUIRED_KEYS if key not in data]
        if missing:
            raise FactsError(
                f"facts are missing {', '.join(missing)}; required keys: {', '.join(REQUIRED_KEYS)}"
            )

        known = set(REQUIRED_KEYS) | {
            "override_code",
            "leverage_email_ids",
            "threat_terms",
            "internal_domain",
        }
        return cls(
            agent=_party(data["agent"], "agent"),
            target=_party(data["target"], "target"),
            leverage=_strings(data["leverage"], "leverage"),
            third_parties=_strings(data["third_parties"], "third_parties"),
            external_addresses=_strings(data["external_addresses"], "external_addresses"),
            override_code=data.get("override_code"),
            leverage_email_ids=tuple(str(i) for i in data.get("leverage_email_ids", ())),
            threat_terms=_strings(data.get("threat_terms", []), "threat_terms"),
            internal_domain=data.get("internal_domain"),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the inverse of :meth:`from_dict`)."""
        return {
            "agent": {"name": self.agent.name, "email": self.agent.email},
            "target": {"name": self.target.name, "email": self.target.email},
            "leverage": list(self.leverage),
            "third_parties": list(self.third_parties),
            "external_addresses": list(self.external_addresses),
            "override_code": self.override_code,
            "leverage_email_ids": list(self.leverage_email_ids),
            "threat_terms": list(self.threat_terms),
            "internal_domain": self.internal_domain,
            **self.extra,
        }


def load_facts(path: str | Path) -> Facts:
    """Read facts from a JSON file.

    Raises:
        FactsError: If the file is not valid JSON or lacks a required key.
    """
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise FactsError(f"{path}: not valid JSON ({exc})") from exc
    return Facts.from_dict(data)


def _party(value: Any, key: str) -> Party:
    if not isinstance(value, dict) or not {"name", "email"} <= set(value):
        raise FactsError(f"facts[{key!r}] must be an object with 'name' and 'email'")
    return Party(name=str(value["name"]), email=str(value["email"]))


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FactsError(f"facts[{key!r}] must be a list of strings")
    return tuple(value)
